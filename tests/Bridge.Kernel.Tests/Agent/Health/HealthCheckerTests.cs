using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bridge.Kernel.Agent.Health;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.Tests.Agent.Health;

public class HealthCheckerTests
{
    private static HealthCheck Command(string shell, double timeout = 20, uint failures = 3, double grace = 0) => new()
    {
        Type = HealthCheck.Types.Type.Command,
        Command = new CommandInfo { Value = shell },
        DelaySeconds = 5,
        IntervalSeconds = 10,
        TimeoutSeconds = timeout,
        ConsecutiveFailures = failures,
        GracePeriodSeconds = grace,
    };

    [Fact]
    public async Task Http_200Then500_HealthyThenUnhealthyThenKilledAfterConsecutiveFailures()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        var status = 200;
        server.Handler = context =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        };
        var check = new HealthCheck
        {
            Type = HealthCheck.Types.Type.Http,
            Http = new HealthCheck.Types.HTTPCheckInfo { Port = (uint)server.Port, Path = "/health" },
            DelaySeconds = 5, IntervalSeconds = 10, ConsecutiveFailures = 2, GracePeriodSeconds = 0,
        };
        await using var h = new CheckerHarness(check);
        h.Checker.Start();

        var first = await h.AdvanceAndCheckAsync(5);
        Assert.True(first.Healthy, first.Message);
        Assert.Contains("returned 200", first.Message);
        var again = await h.AdvanceAndCheckAsync(10);
        Assert.True(again.Healthy);
        Assert.Single(h.Changes); // reported once: no change

        status = 500;
        var failed = await h.AdvanceAndCheckAsync(10);
        Assert.False(failed.Healthy);
        Assert.Equal(1, failed.ConsecutiveFailures);
        Assert.Contains("returned 500 (healthy: 200-399)", failed.Message);
        Assert.Empty(h.Unhealthy);
        var second = await h.AdvanceAndCheckAsync(10);
        Assert.Equal(2, second.ConsecutiveFailures);

        Assert.Equal([true, false], h.Changes.Select(c => c.Healthy));
        var unhealthy = Assert.Single(h.Unhealthy);
        Assert.Contains("2 consecutive health check failures", unhealthy);
        Assert.Equal(4, server.Hits("/health"));
        Assert.Equal(0, h.Clock.ActiveTimers); // checking stopped
    }

    [Fact]
    public async Task Http_StatusesGiven_OnlyThoseAreHealthy()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        server.Handler = context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        };
        var check = new HealthCheck
        {
            Type = HealthCheck.Types.Type.Http,
            Http = new HealthCheck.Types.HTTPCheckInfo { Port = (uint)server.Port, Statuses = { 503 } },
            DelaySeconds = 0,
        };
        await using var h = new CheckerHarness(check);
        h.Checker.Start();
        Assert.True((await h.AdvanceAndCheckAsync(0)).Healthy);
    }

    [Fact]
    public async Task Tcp_ListenerOpenThenClosed_HealthyThenUnhealthy()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var check = new HealthCheck
        {
            Type = HealthCheck.Types.Type.Tcp, Tcp = new HealthCheck.Types.TCPCheckInfo { Port = (uint)port },
            DelaySeconds = 1, IntervalSeconds = 2, GracePeriodSeconds = 0,
        };
        await using var h = new CheckerHarness(check);
        h.Checker.Start();
        try
        {
            var open = await h.AdvanceAndCheckAsync(1);
            Assert.True(open.Healthy, open.Message);
        }
        finally
        {
            listener.Stop();
        }
        var closed = await h.AdvanceAndCheckAsync(2);
        Assert.False(closed.Healthy);
        Assert.Contains($"127.0.0.1:{port}", closed.Message);
        Assert.Equal([true, false], h.Changes.Select(c => c.Healthy));
    }

    [Fact]
    public async Task Command_TrueThenFalse_ExitStatusDecides()
    {
        await using var h = new CheckerHarness(Command("test ! -e broken"));
        h.Checker.Start();
        var healthy = await h.AdvanceAndCheckAsync(5);
        Assert.True(healthy.Healthy, healthy.Message);

        await File.WriteAllTextAsync(h.Sandbox.Combine("broken"), "");
        var unhealthy = await h.AdvanceAndCheckAsync(10);
        Assert.False(unhealthy.Healthy);
        Assert.Contains("exited with status 1", unhealthy.Message);
        Assert.Equal([true, false], h.Changes.Select(c => c.Healthy));
    }

    [Fact]
    public async Task Command_SleepPastTimeout_FailsOnTheInjectedClockAndIsKilled()
    {
        await using var h = new CheckerHarness(Command("echo $$ > started; exec sleep 5", timeout: 1));
        var fifo = h.MakeFifo("started");
        h.Checker.Start();
        var elapsed = Stopwatch.StartNew();
        h.Clock.Advance(TimeSpan.FromSeconds(5));
        var pid = await CheckerHarness.ReadPidAsync(fifo);
        Assert.True(CheckerHarness.IsRunning(pid));
        Assert.False(h.HasPendingResult);

        var result = await h.AdvanceAndCheckAsync(1);

        Assert.False(result.Healthy);
        Assert.Equal("COMMAND health check timed out after 1 s", result.Message);
        Assert.False(CheckerHarness.IsRunning(pid));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"waited {elapsed.Elapsed} for a 5 s sleep");
    }

    [Fact]
    public async Task Command_RunsInSandboxWithEnvironment_OutputAppendedToSandboxStderr()
    {
        var check = Command("test -f ./in-sandbox && test \"$FROM_TASK\" = task && test \"$FROM_CHECK\" = check && echo checked-ok");
        check.Command.Environment = new Bridge.Kernel.V1.Environment
        {
            Variables = { new Bridge.Kernel.V1.Environment.Types.Variable { Name = "FROM_CHECK", Value = "check" } },
        };
        var environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["FROM_TASK"] = "task", ["FROM_CHECK"] = "overridden" };
        await using var h = new CheckerHarness(check, environment);
        await File.WriteAllTextAsync(h.Sandbox.Combine("in-sandbox"), "");
        await File.WriteAllTextAsync(h.Sandbox.Combine("stderr"), "task output\n");
        h.Checker.Start();

        var result = await h.AdvanceAndCheckAsync(5);

        Assert.True(result.Healthy, result.Message);
        Assert.Equal("task output\nchecked-ok\n", await File.ReadAllTextAsync(h.Sandbox.Combine("stderr")));
    }

    [Fact]
    public async Task Command_ArgvWithoutShell_ExitStatusReported()
    {
        var check = Command("");
        check.Command = new CommandInfo { Shell = false, Value = "/bin/sh", Arguments = { "sh", "-c", "exit 3" } };
        await using var h = new CheckerHarness(check);
        h.Checker.Start();
        var result = await h.AdvanceAndCheckAsync(5);
        Assert.False(result.Healthy);
        Assert.Contains("exited with status 3", result.Message);
    }

    [Fact]
    public async Task GracePeriod_FailuresIgnoredUntilItEnds_ThenCounted()
    {
        await using var h = new CheckerHarness(Command("false", failures: 1, grace: 25));
        h.Checker.Start();
        foreach (var seconds in new[] { 5.0, 10, 10 }) // t = 5, 15, 25: within the grace period
        {
            var ignored = await h.AdvanceAndCheckAsync(seconds);
            Assert.False(ignored.Counted);
        }
        Assert.Empty(h.Changes);
        var counted = await h.AdvanceAndCheckAsync(10); // t = 35
        Assert.True(counted.Counted);
        Assert.Equal((false, counted.Message), Assert.Single(h.Changes));
        Assert.Single(h.Unhealthy);
    }

    [Fact]
    public async Task Dispose_DuringARunningCheck_KillsItAndReportsNothing()
    {
        var h = new CheckerHarness(Command("echo $$ > started; exec sleep 30", timeout: 0));
        var fifo = h.MakeFifo("started");
        h.Checker.Start();
        h.Clock.Advance(TimeSpan.FromSeconds(5));
        var pid = await CheckerHarness.ReadPidAsync(fifo);

        await h.DisposeAsync();

        Assert.False(CheckerHarness.IsRunning(pid));
        Assert.False(h.HasPendingResult);
        Assert.Empty(h.Changes);
        Assert.Equal(0, h.Clock.ActiveTimers);
    }

    [Fact]
    public async Task Unhealthy_CallbackDisposesTheChecker_DoesNotDeadlock()
    {
        var disposed = new TaskCompletionSource();
        await using var h = new CheckerHarness(Command("false", failures: 1), onUnhealthy: checker =>
        {
            checker.DisposeAsync().AsTask().Wait(); // as a caller killing the task at once might
            disposed.SetResult();
        });
        h.Checker.Start();
        await h.AdvanceAndCheckAsync(5);
        await disposed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Throws<ObjectDisposedException>(h.Checker.Start);
    }

    [Fact]
    public void Constructor_InvalidCheck_ThrowsNamingTheField()
    {
        var check = new HealthCheck { Type = HealthCheck.Types.Type.Http, Http = new HealthCheck.Types.HTTPCheckInfo() };
        var error = Assert.Throws<InvalidMessageException>(() =>
            new HealthChecker(check, TimeProvider.System, "/tmp", new Dictionary<string, string>(), (_, _) => { }, _ => { }));
        Assert.Equal("health_check.http.port", error.Field);
    }
}
