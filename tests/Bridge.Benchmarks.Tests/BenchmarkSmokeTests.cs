using System.Text.RegularExpressions;
using Bridge.Benchmarks;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Benchmarks.Tests;

/// <summary>Each benchmark at a tiny size: it runs to the end and its last line has the format its issue asks for.</summary>
public class BenchmarkSmokeTests
{
    private const string Number = @"\d+(\.\d+)?";

    [Fact]
    public void Allocator_TinyRun_PrintsTheResultLine()
    {
        var output = new StringWriter();

        var times = AllocatorBenchmark.Run(agents: 20, frameworks: 3, cycles: 3, AllocatorBenchmarkMode.Mixed, output);

        Assert.Equal(3, times.Count);
        Assert.Matches(new Regex($"^allocator agents=20 frameworks=3 cycles=3 cycle_ms_p50={Number} cycle_ms_max={Number} offers_per_cycle={Number}$"), LastLine(output));
    }

    [Fact]
    public void YarnRm_TinyRun_AllocatesAndPrintsTheResultLine()
    {
        var output = new StringWriter();

        var rate = YarnRmBenchmark.Run(nodes: 20, apps: 5, output);

        Assert.True(rate > 0);
        Assert.Matches(new Regex($"^yarn_rm nodes=20 apps=5 allocations_per_s={Number}$"), LastLine(output));
    }

    [Fact]
    public async Task Launch_FiveTasks_AllRunThenAllAreKilledAndNothingIsLeft()
    {
        var output = new StringWriter();

        var result = await LaunchBenchmark.RunAsync(5, output);

        Assert.Equal(5, result.RunningMs.Count);
        Assert.All(result.RunningMs, ms => Assert.True(ms >= 0, $"{ms} ms"));
        Assert.Equal(0, result.LeftRunning);
        Assert.Matches(new Regex($"^launch tasks=5 agents=1 all_running_s={Number} p50_ms={Number} p99_ms={Number}$"), LastLine(output));
    }

    [Fact]
    public async Task Master_FiftyAgentsTwoFrameworks_LaunchesReachTheAgentsWithoutErrors()
    {
        var output = new StringWriter();

        var result = await MasterBenchmark.RunAsync(agents: 50, frameworks: 2, seconds: 1, taskSeconds: 0.2, output);

        Assert.True(result.Tasks > 0, output.ToString());
        Assert.Equal(0, result.Outstanding);
        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.RampOverheadMs);
        Assert.Matches(new Regex($"^master agents=50 frameworks=2 launch_overhead_ms_p50={Number} launch_overhead_ms_p99={Number} tasks={result.Tasks}$"), LastLine(output));
    }

    [Fact]
    [Trait("Category", "Interop")] // Confluent.Kafka over Debian's librdkafka
    public async Task Broker_TwoThousandRecords_AllComeBackAndTheDataDirectoryIsDeleted()
    {
        var output = new StringWriter();

        var result = await BrokerBenchmark.RunAsync(records: 2000, size: 100, output);

        Assert.InRange(result.Batches, 1, 2000);
        Assert.True(result.StoredBytes > 2000 * 100, $"{result.StoredBytes} bytes stored");
        var dataDir = Regex.Match(output.ToString(), @" data (\S+),").Groups[1].Value;
        Assert.NotEmpty(dataDir);
        Assert.False(Directory.Exists(dataDir), $"{dataDir} is left");
        Assert.Matches(new Regex($"^broker records=2000 size=100 produce_rec_s={Number} consume_rec_s={Number} produce_mb_s={Number} consume_mb_s={Number}$"), LastLine(output));
    }

    [Fact]
    public void Avro_TinyRun_PrintsTheResultLine()
    {
        var output = new StringWriter();

        var result = AvroBenchmark.Run(records: 5000, output);

        Assert.InRange(result.BytesPerRecord, 40, 200);
        Assert.Matches(new Regex($"^avro records=5000 encode_rec_s={Number} decode_rec_s={Number} bytes_per_rec={Number}$"), LastLine(output));
    }

    private static string LastLine(StringWriter output) => output.ToString().TrimEnd('\n').Split('\n')[^1];
}
