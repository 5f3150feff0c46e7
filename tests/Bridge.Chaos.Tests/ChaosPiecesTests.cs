using System.Diagnostics;
using System.Net;
using Bridge.Testing;

namespace Bridge.Chaos.Tests;

/// <summary>The chaos suite's pieces on their own.</summary>
public sealed class ChaosPiecesTests
{
    [Fact]
    public void FailoverResult_PrintsTheIssuesLine()
    {
        var result = new ChaosFailoverResult(3, [1510.4, 986.2, 1400.7, 1531.9, 1475.0], 0, 0);
        Assert.Equal("chaos masters=3 failovers=5 failover_ms_p50=1475 failover_ms_max=1532 lost_tasks=0 double_leaders=0", result.ToString());
    }

    [Fact]
    public void AgentsResult_PrintsTheSameStyleOfLine()
    {
        var result = new ChaosAgentsResult(5, 100, [382, 416, 374], 1, 99);
        Assert.Equal("chaos agents=5 tasks=100 restarts=3 recovery_ms_p50=382 recovery_ms_max=416 lost_tasks=1 surviving_tasks=99", result.ToString());
    }

    [Theory]
    [InlineData(50, 3.0)]
    [InlineData(100, 5.0)]
    [InlineData(0, 1.0)]
    public void Percentile_IsNearestRank(double p, double expected) => Assert.Equal(expected, Stats.Percentile([1, 2, 3, 4, 5], p));

    [Fact]
    public void Percentile_OfNothing_IsZero() => Assert.Equal(0, Stats.Percentile([], 50));

    private static readonly MasterHealth Leads = new(true, null), Stands = new(false, null);

    [Fact]
    public void LeaderTally_TwoMastersSayingTheyLead_InSamplesInARow_IsOneEpisode()
    {
        var tally = new LeaderTally();
        tally.Observe([Leads, Stands, null]);
        Assert.Equal((0, 0), (tally.Leader, tally.DoubleLeaders));

        tally.Observe([Leads, Leads, null]);
        tally.Observe([Leads, Leads, Stands]);
        Assert.Equal((-1, 1), (tally.Leader, tally.DoubleLeaders));

        tally.Observe([Stands, Leads, Stands]); // the old leader stepped down
        Assert.Equal((1, 1), (tally.Leader, tally.DoubleLeaders));

        tally.Observe([Leads, null, Leads]); // a second episode
        Assert.Equal((-1, 2), (tally.Leader, tally.DoubleLeaders));
    }

    [Fact]
    public void LeaderTally_AMasterThatDoesNotAnswer_IsNotALeader()
    {
        var tally = new LeaderTally();
        tally.Observe([null, null]);
        Assert.Equal((-1, 0), (tally.Leader, tally.DoubleLeaders));
    }

    [Fact]
    public async Task LeaderSampler_AsksRealHttpEndpoints_AndSeesTwoLeaders()
    {
        using var a = new FakeMaster(leader: true);
        using var b = new FakeMaster(leader: false);
        using var probe = new MasterProbe(TimeSpan.FromSeconds(10)); // generous: a loaded CI machine must not turn an answer into silence
        await using var sampler = new LeaderSampler(() => [a.Url, b.Url], probe, TimeSpan.FromMilliseconds(10));
        await Wait.UntilAsync(() => sampler.Leader == 0, "a to be seen leading");
        Assert.Equal(0, sampler.DoubleLeaders);

        b.Leader = true;

        await Wait.UntilAsync(() => sampler.DoubleLeaders >= 1, "the double leadership to be seen");
    }

    [Fact]
    public async Task LeaderSampler_AMasterThatDoesNotAnswer_IsNotALeader()
    {
        using var a = new FakeMaster(leader: true);
        using var probe = new MasterProbe(TimeSpan.FromSeconds(10)); // generous: a loaded CI machine must not turn an answer into silence
        await using var sampler = new LeaderSampler(() => [new Uri("http://127.0.0.1:1"), a.Url], probe, TimeSpan.FromMilliseconds(10));
        await Wait.UntilAsync(() => sampler.Leader == 1, "the answering master to be seen leading");
        Assert.Equal(0, sampler.DoubleLeaders);
    }

    [Fact]
    public async Task Orphans_KillsTheRecordedProcessGroup_AndLeavesAReusedPidAlone()
    {
        var workDir = Path.Combine(Path.GetTempPath(), "bridge-chaos-test", Guid.NewGuid().ToString("N")[..8]);
        using var group = Process.Start(new ProcessStartInfo("/usr/bin/setsid", ["sh", "-c", "sleep 60 & sleep 60; wait"]))!;
        using var other = Process.Start(new ProcessStartInfo("/usr/bin/setsid", ["sleep", "60"]))!;
        try
        {
            await Wait.UntilAsync(() => StartTicks(group.Id) is not null && StartTicks(other.Id) is not null);
            Record(workDir, "c1", group.Id, StartTicks(group.Id)!);
            Record(workDir, "c2", other.Id, "1"); // the pid now belongs to another process than the one recorded

            Assert.Equal(1, Orphans.Kill(workDir));

            await group.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.False(other.HasExited);
        }
        finally
        {
            other.Kill();
            if (!group.HasExited) group.Kill(entireProcessTree: true);
            Directory.Delete(workDir, recursive: true);
        }
    }

    private static void Record(string workDir, string container, int pid, string start)
    {
        var dir = Path.Combine(workDir, "agent-000", "containers", container);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "pid"), $"{pid} {start}");
    }

    private static string? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A master's <c>/health</c> and nothing else, on a free loopback port.</summary>
    private sealed class FakeMaster : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serve;

        public FakeMaster(bool leader)
        {
            Leader = leader;
            var port = ChildProcess.FreePort();
            Url = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _serve = Task.Run(ServeAsync);
        }

        public Uri Url { get; }

        public volatile bool Leader;

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                var body = System.Text.Encoding.UTF8.GetBytes($"{{\"healthy\":true,\"leader\":{(Leader ? "true" : "false")},\"leader_address\":null}}");
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }
}
