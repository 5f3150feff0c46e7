using System.Net;
using Bridge.Kernel.EndToEnd.Tests;
using Bridge.Schedulers.Jobs.Framework;
using Bridge.Testing;

namespace Bridge.Schedulers.EndToEnd.Tests.Jobs;

/// <summary><c>bridge job add|run|history|list</c> as a user runs them, against a jobs scheduler on a real master and agent.</summary>
public sealed class JobCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_Example_Job_Added_And_Run_Records_A_Successful_Run()
    {
        await using var cluster = await Cluster.StartAsync("cpus:1;mem:512;disk:1024");
        await using var jobs = await JobsServer.StartAsync(new JobsOptions
        {
            Master = cluster.Master.Address,
            WorkDirectory = Path.Combine(cluster.WorkDir, "jobs"),
            TickInterval = TimeSpan.FromMilliseconds(200),
        }, new IPEndPoint(IPAddress.Loopback, 0));
        await Wait.UntilAsync(() => jobs.Framework.HasSubscribed, "the jobs scheduler to subscribe", Timeout);
        var url = jobs.Address.ToString();
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Bridge.sln"))) root = root.Parent;
        var example = Path.Combine(root!.FullName, "examples", "jobs", "hourly.json");

        using (var add = await BridgeProgram.RunAsync(["job", "add", example, "--jobs", url], Timeout))
            Assert.True(add.ExitCode == 0, add.Stderr);
        using (var run = await BridgeProgram.RunAsync(["job", "run", "hourly", "--jobs", url], Timeout))
            Assert.True(run.ExitCode == 0, run.Stderr);
        await Wait.UntilAsync(async () =>
        {
            using var history = await BridgeProgram.RunAsync(["job", "history", "hourly", "--jobs", url], Timeout);
            return history.ExitCode == 0 && history.Stdout.Contains("SUCCEEDED", StringComparison.Ordinal)
                && history.Stdout.Contains("agent-1", StringComparison.Ordinal);
        }, "`bridge job history hourly` to show a successful run on agent-1", Timeout);
        using (var list = await BridgeProgram.RunAsync(["job", "list", "--jobs", url], Timeout))
            Assert.Matches(@"hourly\s+R/\S+/PT1H\s+1\s+0", list.Stdout);

        // A run with its own arguments: they reach the run (and its shell command).
        using (var run = await BridgeProgram.RunAsync(["job", "run", "hourly", "--jobs", url, "--", "--day", "2026-11-22", "two words"], Timeout))
            Assert.True(run.ExitCode == 0, run.Stderr);
        using var http = new HttpClient { BaseAddress = jobs.Address };
        var newest = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("v1/scheduler/job/hourly/history")).RootElement[0];
        Assert.Equal("--day 2026-11-22 'two words'", newest.GetProperty("arguments").GetString());

        using var unknown = await BridgeProgram.RunAsync(["job", "run", "nope", "--jobs", url], Timeout);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("404", unknown.Stderr);
    }
}
