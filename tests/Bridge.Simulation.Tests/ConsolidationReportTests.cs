using System.Xml.Linq;
using Bridge.Simulation.Reporting;

namespace Bridge.Simulation.Tests;

/// <summary>The report <c>bridge simulate --out</c> writes: markdown with the figures and the goal, two SVG plots.</summary>
public sealed class ConsolidationReportTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bridge-report-" + Guid.NewGuid().ToString("N"));

    // Eight 4-core, 100-second jobs for partition 0 at t=0; partition 1 idle; 4 machines of 4 cores, no guarantees:
    // static runs them in four waves (makespan 400 s, mean wait 150 s, 50%), shared in two (200 s, 50 s, 100%).
    private static ConsolidationResult Burst() => Consolidation.Run(
        Enumerable.Range(1, 8).Select(i => new WorkItem(i, 0, 0, 1, 4, 1024, 100)).ToArray(),
        new ConsolidationOptions(Machines: 4, Partitions: 2, MachineCpus: 4, MachineMemoryMb: 4096, GuaranteeFraction: 0, BucketSeconds: 50));

    [Fact]
    public void Goal_IsMeasuredAgainstTheStaticPartitions()
    {
        var goal = ConsolidationGoal.Of(Burst());

        Assert.Equal(50, goal.UtilizationGainPoints, 6);
        Assert.Equal(1 - 50.0 / 150, goal.MeanDelayReduction, 6);
        Assert.True(goal.Met);
        Assert.False(new ConsolidationGoal(14.9, 0.9).Met);
        Assert.False(new ConsolidationGoal(20, 0.49).Met);
    }

    [Fact]
    public void Write_MakesTheMarkdownAndTwoSvgPlots()
    {
        var result = Burst();

        ConsolidationReport.Write(result, "burst", "hand-made: 8 jobs", _directory);

        var markdown = File.ReadAllText(Path.Combine(_directory, "report.md"));
        Assert.Contains("| CPU utilization | 50.0% | 100.0% |", markdown);
        Assert.Contains("| mean queueing delay | 150.0 s | 50.0 s |", markdown);
        Assert.Contains("| makespan | 400 s | 200 s |", markdown);
        Assert.Contains("+50.0 points, mean delay 67% lower: **goal met**", markdown);
        Assert.Contains(result.Line("burst"), markdown);
        Assert.Contains("](utilization.svg)", markdown);
        Assert.Contains("](queueing-delay-cdf.svg)", markdown);
        foreach (var plot in new[] { "utilization.svg", "queueing-delay-cdf.svg" })
        {
            var svg = XDocument.Load(Path.Combine(_directory, plot));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            // Two series: each a path with many points (ScottPlot draws lines as SVG paths).
            Assert.True(svg.Descendants().Count(e => e.Name.LocalName == "path") >= 2, plot);
        }
    }

    [Fact]
    public void Markdown_SaysPlainlyWhenTheGoalIsNotMet()
    {
        // Full guarantees: the shared pool behaves as the static partitions (ConsolidationTests), so nothing is gained.
        var result = Consolidation.Run(
            Enumerable.Range(1, 8).Select(i => new WorkItem(i, 0, 0, 1, 4, 1024, 100)).ToArray(),
            new ConsolidationOptions(Machines: 4, Partitions: 2, MachineCpus: 4, MachineMemoryMb: 4096, GuaranteeFraction: 1, BucketSeconds: 50));

        var markdown = ConsolidationReport.Markdown(result, "burst", "hand-made");

        Assert.Contains("0.0 points, mean delay 0% lower: **goal not met**", markdown);
        Assert.Contains("guaranteed 100% of its partition", markdown);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
