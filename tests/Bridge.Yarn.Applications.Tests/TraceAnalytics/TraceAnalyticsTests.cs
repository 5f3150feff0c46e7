using Bridge.Traces.Alibaba;
using Bridge.Yarn.Applications.MapReduce;
using Bridge.Yarn.Applications.TraceAnalytics;

namespace Bridge.Yarn.Applications.Tests.TraceAnalytics;

public sealed class TraceAnalyticsTests : IDisposable
{
    private const string Header = "task_create_time, task_end_time, job_id, task_id,number_of_instances, status, number_of_cpus_requested_per_instance_in_the_task,normalized_memory_requested_per_instance_in_the_task";

    // Known answers, by hand: core-seconds = instances × cpu hundredths / 100 × (end − create).
    //   job 1: 2 × 0.50 × 100 + 3 × 1.00 × 10 = 130.00; 5 instances; 2 tasks
    //   job 2: 1 × 0.75 × 10 = 7.50 (created before the trace start); 1; 1
    //   job 10: 4 × 0.25 × 0 + 1 × 0.33 × 3 = 0.99; 5; 2
    //   skipped: line 5 EmptyRequest, line 6 EndBeforeCreate, line 7 MalformedNumber
    private const string Table = Header + "\r\n" +
        "0,100,1,1,2,Terminated,50,0.1\r\n" +
        "10,20,1,2,3,Terminated,100,0.2\r\n" +
        "-5,5,2,3,1,Failed,75,0.1\r\n" +
        "6036,6046,2,4,393,Waiting,,\r\n" +
        "50,0,3,5,1,Terminated,50,0.1\r\n" +
        "1,x,3,6,1,Terminated,50,0.1\r\n" +
        "100,100,10,7,4,Running,25,0.01\r\n" +
        "0,3,10,8,1,Terminated,33,0.5\r\n";

    private const string Summary = "rows_read\t8\nrows_used\t5\nrows_skipped\t3\nskipped_WrongColumnCount\t0\nskipped_MalformedNumber\t1\n" +
        "skipped_OutOfRange\t0\nskipped_UnknownStatus\t0\nskipped_EmptyRequest\t1\nskipped_EndBeforeCreate\t1\n";

    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private TraceAnalyticsJobResult RunJob(string input, int reduces, long rowsPerMap)
    {
        Assert.True(TraceAnalyticsJob.TryPlan(new TraceAnalyticsJobOptions(input, _dir.Combine("out"), reduces, rowsPerMap), out var plan, out var error), error);
        return TraceAnalyticsJob.Run(plan!);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    public void Job_HandMadeTable_OneReduce_KnownAnswersInJobIdOrder(long rowsPerMap)
    {
        string input = _dir.Write("batch_task.csv", Table);

        var result = RunJob(input, 1, rowsPerMap);

        Assert.Equal((int)Math.Ceiling(8.0 / rowsPerMap), result.Maps.Count);
        Assert.Equal("1\t130.00\t5\t2\n2\t7.50\t1\t1\n10\t0.99\t5\t2\n", File.ReadAllText(_dir.Combine("out", "part-r-00000")));
        Assert.Equal(Summary, File.ReadAllText(_dir.Combine("out", "_summary.tsv")));
        Assert.Empty(File.ReadAllBytes(_dir.Combine("out", "_SUCCESS")));
        Assert.False(Directory.Exists(_dir.Combine("out", "_temporary")));
    }

    [Fact]
    public void Job_HandMadeTable_TwoReduces_PartitionedByLongWritableHash()
    {
        // LongWritable.hashCode of 1, 2, 10 is the value itself: partitions 1, 0, 0 of 2.
        var result = RunJob(_dir.Write("batch_task.csv", Table), 2, 2);

        Assert.Equal("2\t7.50\t1\t1\n10\t0.99\t5\t2\n", File.ReadAllText(_dir.Combine("out", "part-r-00000")));
        Assert.Equal("1\t130.00\t5\t2\n", File.ReadAllText(_dir.Combine("out", "part-r-00001")));
        Assert.Equal(3, result.Reduces.Sum(r => r.Jobs));
    }

    [Fact]
    public void Job_GzippedTable_SameAnswers()
    {
        string plain = _dir.Write("t.csv", Table);
        string gz = _dir.Combine("t.gz");
        using (var source = File.OpenRead(plain))
        using (var target = new System.IO.Compression.GZipStream(File.Create(gz), System.IO.Compression.CompressionLevel.Optimal))
            source.CopyTo(target);

        RunJob(gz, 1, 4);

        Assert.Equal("1\t130.00\t5\t2\n2\t7.50\t1\t1\n10\t0.99\t5\t2\n", File.ReadAllText(_dir.Combine("out", "part-r-00000")));
    }

    [Fact]
    public void Job_ShippedTrace_TotalsConsistent()
    {
        string trace = Path.Combine(TemporaryDirectory.RepositoryRoot, "examples", "data", "alibaba-2017-batch_task.csv.gz");

        var result = RunJob(trace, 3, 20_000);

        Assert.Equal(5, result.Maps.Count);
        decimal coreSeconds = 0;
        long instances = 0, tasks = 0, jobs = 0;
        for (int r = 0; r < 3; r++)
        {
            long previous = long.MinValue;
            foreach (var line in File.ReadLines(_dir.Combine("out", $"part-r-{r:00000}")))
            {
                var f = line.Split('\t');
                long job = long.Parse(f[0]);
                Assert.True(job > previous);
                Assert.Equal(r, HashPartitioner.Partition(HadoopKeys.LongHashCode(job), 3));
                previous = job;
                coreSeconds += decimal.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture);
                instances += long.Parse(f[2]);
                tasks += long.Parse(f[3]);
                jobs++;
                if (job == 3) Assert.Equal("3\t511588.00\t15741\t2", line);
                if (job == 2025) Assert.Equal("2025\t290028529.00\t16830\t8", line);  // the largest job by core-seconds
            }
        }

        // Independent count over the uncompressed CSV (Python): 71,454 used rows in 11,969 jobs.
        Assert.Equal(4_890_660_539.50m, coreSeconds);
        Assert.Equal(11_046_207, instances);
        Assert.Equal(71_454, tasks);
        Assert.Equal(11_969, jobs);
        Assert.Equal(80_553, result.Summary.RowsRead);
        Assert.Equal(result.Summary.RowsUsed, tasks);
        Assert.Equal(9_017, result.Summary.Skipped[BatchTaskSkipReason.EmptyRequest]);
        Assert.Equal(82, result.Summary.Skipped[BatchTaskSkipReason.EndBeforeCreate]);
        Assert.Equal(result.Summary.RowsRead, result.Maps.Sum(m => m.Summary.RowsRead));
        Assert.Contains("rows_used\t71454\n", File.ReadAllText(_dir.Combine("out", "_summary.tsv")));
    }

    [Fact]
    public void TryPlan_MissingInput_ErrorAsValue()
    {
        Assert.False(TraceAnalyticsJob.TryPlan(new TraceAnalyticsJobOptions(_dir.Combine("none.csv"), _dir.Combine("out")), out _, out var error));
        Assert.StartsWith("Input path does not exist", error);
    }

    [Fact]
    public void TryPlan_NotTheTable_Throws()
    {
        string input = _dir.Write("words.txt", "hello world\n");
        Assert.Throws<InvalidDataException>(() => TraceAnalyticsJob.TryPlan(new TraceAnalyticsJobOptions(input, _dir.Combine("out")), out _, out _));
    }

    [Theory]
    [InlineData(0L, "0.00")]
    [InlineData(99L, "0.99")]
    [InlineData(12345L, "123.45")]
    [InlineData(489066053950L, "4890660539.50")]
    public void FormatCoreSeconds_TwoDecimalsExact(long hundredths, string text)
    {
        Assert.Equal(text, TraceAnalyticsTasks.FormatCoreSeconds(hundredths));
    }

    [Fact]
    public void JobIdOrder_Numeric()
    {
        var keys = new[] { "10", "2", "-1", "1" }.Select(System.Text.Encoding.ASCII.GetBytes).ToList();
        keys.Sort(TraceAnalyticsTasks.JobIdOrder);
        Assert.Equal(["-1", "1", "2", "10"], keys.Select(System.Text.Encoding.ASCII.GetString));
    }
}
