using System.Text.RegularExpressions;
using Bridge.Testing;

namespace Bridge.Chaos.Tests;

/// <summary>
/// Short runs of the chaos commands, as a user types them (the real <c>bridge</c> program, a real etcd, master and agent
/// processes, tasks as real processes): whatever the timings, nothing may be lost and no two masters may lead at once.
/// Timings are not asserted here; they are measured by the long runs (docs/benchmarks.md).
/// </summary>
[Collection("chaos")] // one at a time: both start many processes on a 2-core machine
public sealed partial class ChaosRunTests
{
    [Fact]
    public async Task Failover_LeaderKilledTwice_NoTaskLostAndNeverTwoLeaders()
    {
        var run = await BridgeProgram.RunAsync(["chaos", "failover", "--masters", "3", "--agents", "4", "--seconds", "25", "--kill-every", "8"], TimeSpan.FromMinutes(4));

        var last = run.Lines.LastOrDefault() ?? "";
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        var match = FailoverLine().Match(last);
        Assert.True(match.Success, $"last line: {last}\n{run.Stdout}");
        Assert.True(int.Parse(match.Groups["failovers"].Value) >= 2, last);
        Assert.Equal("0", match.Groups["lost"].Value);
        Assert.Equal("0", match.Groups["double"].Value);
        Assert.True(double.Parse(match.Groups["max"].Value) >= double.Parse(match.Groups["p50"].Value), last);
    }

    [Fact]
    public async Task Agents_KilledAndRestarted_EveryTaskSurvives()
    {
        var run = await BridgeProgram.RunAsync(["chaos", "agents", "--agents", "3", "--tasks", "30", "--seconds", "20", "--kill-every", "5", "--down", "1"], TimeSpan.FromMinutes(4));

        var last = run.Lines.LastOrDefault() ?? "";
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        var match = AgentsLine().Match(last);
        Assert.True(match.Success, $"last line: {last}\n{run.Stdout}");
        Assert.True(int.Parse(match.Groups["restarts"].Value) >= 2, last);
        Assert.Equal("0", match.Groups["lost"].Value);
        Assert.Equal("30", match.Groups["surviving"].Value);
    }

    [GeneratedRegex(@"^chaos masters=3 failovers=(?<failovers>\d+) failover_ms_p50=(?<p50>\d+) failover_ms_max=(?<max>\d+) lost_tasks=(?<lost>\d+) double_leaders=(?<double>\d+)$")]
    private static partial Regex FailoverLine();

    [GeneratedRegex(@"^chaos agents=3 tasks=30 restarts=(?<restarts>\d+) recovery_ms_p50=\d+ recovery_ms_max=\d+ lost_tasks=(?<lost>\d+) surviving_tasks=(?<surviving>\d+)$")]
    private static partial Regex AgentsLine();
}
