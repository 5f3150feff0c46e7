using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Type = Bridge.Kernel.V1.HealthCheck.Types.Type;

namespace Bridge.Kernel.Tests.Agent.Health;

public class HealthCheckValidationTests
{
    private static HealthCheck Http(Action<HealthCheck.Types.HTTPCheckInfo> change)
    {
        var http = new HealthCheck.Types.HTTPCheckInfo { Port = 8080 };
        change(http);
        return new HealthCheck { Type = Type.Http, Http = http };
    }

    private static HealthCheck Tcp(Action<HealthCheck> change)
    {
        var check = new HealthCheck { Type = Type.Tcp, Tcp = new HealthCheck.Types.TCPCheckInfo { Port = 80 } };
        change(check);
        return check;
    }

    public static TheoryData<string, HealthCheck, string> Invalid => new()
    {
        { "no type", new HealthCheck(), "health_check.type" },
        { "COMMAND without command", new HealthCheck { Type = Type.Command }, "health_check.command" },
        { "COMMAND with empty value", new HealthCheck { Type = Type.Command, Command = new CommandInfo() }, "health_check.command.value" },
        {
            "COMMAND with bad variable",
            new HealthCheck
            {
                Type = Type.Command,
                Command = new CommandInfo { Value = "true", Environment = new() { Variables = { new Bridge.Kernel.V1.Environment.Types.Variable { Name = "A=B" } } } },
            },
            "health_check.command.environment.variables[0].name"
        },
        { "HTTP without http", new HealthCheck { Type = Type.Http }, "health_check.http" },
        { "HTTP without port", Http(h => h.Port = 0), "health_check.http.port" },
        { "HTTP port too big", Http(h => h.Port = 70000), "health_check.http.port" },
        { "HTTP bad scheme", Http(h => h.Scheme = "ftp"), "health_check.http.scheme" },
        { "HTTP relative path", Http(h => h.Path = "health"), "health_check.http.path" },
        { "HTTP bad status", Http(h => h.Statuses.Add(42)), "health_check.http.statuses[0]" },
        { "TCP without tcp", new HealthCheck { Type = Type.Tcp }, "health_check.tcp" },
        { "TCP without port", Tcp(c => c.Tcp.Port = 0), "health_check.tcp.port" },
        { "negative delay", Tcp(c => c.DelaySeconds = -1), "health_check.delay_seconds" },
        { "negative interval", Tcp(c => c.IntervalSeconds = -0.5), "health_check.interval_seconds" },
        { "NaN timeout", Tcp(c => c.TimeoutSeconds = double.NaN), "health_check.timeout_seconds" },
        { "negative grace period", Tcp(c => c.GracePeriodSeconds = -3), "health_check.grace_period_seconds" },
        { "interval of ten years", Tcp(c => c.IntervalSeconds = 10 * 365 * 86400.0), "health_check.interval_seconds" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_Invalid_NamesTheField(string _, HealthCheck check, string field)
    {
        var error = Assert.Throws<InvalidMessageException>(() => HealthCheckValidation.Validate(check));
        Assert.Equal(field, error.Field);
        Assert.StartsWith($"{field}: ", error.Message);
    }

    [Fact]
    public void Validate_FieldPrefixGiven_UsedInErrors()
    {
        var error = Assert.Throws<InvalidMessageException>(() => HealthCheckValidation.Validate(new HealthCheck(), "task_group.tasks[2].health_check"));
        Assert.Equal("task_group.tasks[2].health_check.type", error.Field);
    }

    [Fact]
    public void Validate_ValidChecksWithZerosAndDefaults_Pass()
    {
        HealthCheckValidation.Validate(Http(h => { h.Scheme = "https"; h.Path = "/ready?x=1"; h.Statuses.Add(204); }));
        HealthCheckValidation.Validate(Tcp(c => { c.DelaySeconds = 0; c.IntervalSeconds = 0; c.TimeoutSeconds = 0; c.GracePeriodSeconds = 0; }));
        HealthCheckValidation.Validate(new HealthCheck { Type = Type.Command, Command = new CommandInfo { Shell = false, Value = "/bin/true" } });
    }
}
