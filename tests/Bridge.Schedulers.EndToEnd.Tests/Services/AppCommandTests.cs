using System.Net;
using Bridge.Kernel.EndToEnd.Tests;
using Bridge.Schedulers.Services.Framework;
using Bridge.Testing;

namespace Bridge.Schedulers.EndToEnd.Tests.Services;

/// <summary><c>bridge app deploy|list|scale|why</c> as a user runs them, against a services scheduler on a real master and agent.</summary>
public sealed class AppCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Deploy_List_Scale_And_Why_Work_Against_A_Running_Scheduler()
    {
        await using var cluster = await Cluster.StartAsync("cpus:1;mem:512;ports:[31000-31099]");
        await using var services = await ServicesServer.StartAsync(new ServicesOptions
        {
            Master = cluster.Master.Address,
            WorkDirectory = Path.Combine(cluster.WorkDir, "services"),
            TickInterval = TimeSpan.FromMilliseconds(200),
        }, new IPEndPoint(IPAddress.Loopback, 0));
        var url = services.Address.ToString();
        var app = Path.Combine(cluster.WorkDir, "sleeper.json");
        await File.WriteAllTextAsync(app, """{"id": "/sleeper", "cmd": "sleep 600", "cpus": 0.1, "mem": 16, "instances": 2}""");

        using (var deploy = await BridgeProgram.RunAsync(["app", "deploy", app, "--services", url], Timeout))
        {
            Assert.True(deploy.ExitCode == 0, deploy.Stderr);
            Assert.Matches("deployed /sleeper: deployment [0-9a-f-]{36}", deploy.Stdout);
        }
        await Wait.UntilAsync(async () => await services.Framework.ReadAsync((s, _) => s.Instances.Of(Schedulers.Services.Definitions.AppId.Parse("/sleeper"))
            .Count(i => i.Condition == Schedulers.Services.Instances.Condition.Running)) == 2, "two running instances", Timeout);
        using (var list = await BridgeProgram.RunAsync(["app", "list", "--services", url], Timeout))
            Assert.Matches(@"/sleeper\s+2\s+2\s", list.Stdout); // id, instances, running
        using (var scale = await BridgeProgram.RunAsync(["app", "scale", "/sleeper", "1", "--services", url], Timeout))
            Assert.True(scale.ExitCode == 0, scale.Stderr);
        await Wait.UntilAsync(async () => await services.Framework.ReadAsync((s, _) => s.Instances.Of(Schedulers.Services.Definitions.AppId.Parse("/sleeper")).Count) == 1,
            "the scale-down to one instance", Timeout);

        // An app no offer fits: `why` names the reason.
        var big = Path.Combine(cluster.WorkDir, "big.json");
        await File.WriteAllTextAsync(big, """{"id": "/big", "cmd": "sleep 600", "cpus": 64, "mem": 16}""");
        using (var deploy = await BridgeProgram.RunAsync(["app", "deploy", big, "--services", url], Timeout))
            Assert.True(deploy.ExitCode == 0, deploy.Stderr);
        await Wait.UntilAsync(async () =>
        {
            using var why = await BridgeProgram.RunAsync(["app", "why", "/big", "--services", url], Timeout);
            return why.ExitCode == 0 && why.Stdout.Contains("InsufficientCpus", StringComparison.Ordinal);
        }, "`bridge app why /big` to name InsufficientCpus", Timeout);

        // An invalid definition: 422 with the field named, exit 1.
        var bad = Path.Combine(cluster.WorkDir, "bad.json");
        await File.WriteAllTextAsync(bad, """{"id": "/bad", "cmd": "sleep 1", "instanses": 2}""");
        using var refused = await BridgeProgram.RunAsync(["app", "deploy", bad, "--services", url], Timeout);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("/instanses: unknown field", refused.Stderr);
    }
}
