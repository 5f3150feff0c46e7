using System.IO.Compression;
using Bridge.Traces.Swf;

namespace Bridge.Traces.Tests;

/// <summary>The Standard Workload Format reader (SWF 2.2): header comments, the 18 fields, -1 as unknown, and every line it cannot use named with its reason.</summary>
public class SwfWorkloadsTests
{
    private const string Sample = """
        ; Version: 2.2
        ; Computer: Test cluster
        ; UnixStartTime: 1136070024
        ; MaxNodes: 128
        ; MaxProcs: 256
        ; Note: a comment: with a colon
        ;
            1      0   5   120    16  110.5  2048   16   300  4096  1   3  1  7  1  1  -1  -1
            2     30  -1    -1    -1     -1    -1    8   600    -1  5   4  2 -1  2  1   1  10

        """;

    [Fact]
    public void Read_HeaderCommentsThenJobs_InFileOrder()
    {
        var lines = SwfWorkloads.Read(new StringReader(Sample)).ToList();

        var comments = lines.OfType<SwfComment>().ToList();
        Assert.Equal(("Version", "2.2"), (comments[0].Key, comments[0].Value));
        Assert.Equal("1136070024", Assert.Single(comments, c => c.Key == "UnixStartTime").Value);
        Assert.Equal("256", Assert.Single(comments, c => c.Key == "MaxProcs").Value);
        Assert.Equal("a comment: with a colon", Assert.Single(comments, c => c.Key == "Note").Value);
        Assert.Null(comments[^1].Key); // a bare ';'
        Assert.Equal([8L, 9L], lines.OfType<SwfJob>().Select(j => j.LineNumber));
        Assert.DoesNotContain(lines, l => l is SwfSkip);
    }

    [Fact]
    public void ParseLine_EveryFieldTyped_InTheSpecsUnits()
    {
        var job = Assert.IsType<SwfJob>(SwfWorkloads.ParseLine("1 0 5 120 16 110.5 2048 16 300 4096 1 3 1 7 1 1 -1 -1", 8));

        Assert.Equal(new SwfJob(8, 1, 0, 5, 120, 16, 110.5, 2048, 16, 300, 4096, SwfStatus.Completed, 3, 1, 7, 1, 1, null, null), job);
        Assert.Equal(16, job.Processors);
    }

    [Fact]
    public void ParseLine_MinusOne_IsUnknown_NotANumber()
    {
        var job = Assert.IsType<SwfJob>(SwfWorkloads.ParseLine("2 30 -1 -1 -1 -1 -1 8 600 -1 5 4 2 -1 2 1 1 10", 9));

        Assert.Null(job.WaitSeconds);
        Assert.Null(job.RunSeconds);
        Assert.Null(job.AllocatedProcessors);
        Assert.Equal(8, job.Processors); // requested, as none were allocated
        Assert.Equal(SwfStatus.Cancelled, job.Status);
        Assert.Null(job.Executable);
        Assert.Equal(1, job.PrecedingJob);
        Assert.Equal(10, job.ThinkSeconds);
    }

    [Fact]
    public void ParseLine_DecimalTimes_AreAllowed()
    {
        var job = Assert.IsType<SwfJob>(SwfWorkloads.ParseLine("3 12.25 0.5 0.4 1 0.3 -1 1 -1 -1 1 1 1 1 1 1 -1 -1", 2));
        Assert.Equal(12.25, job.SubmitSeconds);
        Assert.Equal(0.4, job.RunSeconds);
    }

    [Theory]
    [InlineData("1 0 5 120 16", SwfSkipReason.WrongFieldCount, "5 fields, expected 18")]
    [InlineData("1 0 5 120 16.5 110 2048 16 300 4096 1 3 1 7 1 1 -1 -1", SwfSkipReason.MalformedNumber, "field 5 (allocated processors) '16.5' is not an integer")]
    [InlineData("1 0 5 abc 16 110 2048 16 300 4096 1 3 1 7 1 1 -1 -1", SwfSkipReason.MalformedNumber, "field 4 (run time) 'abc' is not a number")]
    [InlineData("1 0 5 120 -2 110 2048 16 300 4096 1 3 1 7 1 1 -1 -1", SwfSkipReason.OutOfRange, "field 5 (allocated processors) -2 is below -1")]
    [InlineData("0 0 5 120 16 110 2048 16 300 4096 1 3 1 7 1 1 -1 -1", SwfSkipReason.OutOfRange, "field 1 (job number) 0 is not a counter from 1")]
    [InlineData("1 -1 5 120 16 110 2048 16 300 4096 1 3 1 7 1 1 -1 -1", SwfSkipReason.OutOfRange, "field 2 (submit time) is unknown (-1)")]
    [InlineData("1 0 5 120 0 110 2048 16 300 4096 1 3 1 7 1 1 -1 -1", SwfSkipReason.OutOfRange, "field 5 (allocated processors) is 0")]
    [InlineData("1 0 5 120 16 110 2048 16 300 4096 6 3 1 7 1 1 -1 -1", SwfSkipReason.OutOfRange, "field 11 (status) 6 is not -1 or 0-5")]
    public void ParseLine_UnusableLine_IsSkippedWithItsReason(string text, SwfSkipReason reason, string detail)
    {
        var skip = Assert.IsType<SwfSkip>(SwfWorkloads.ParseLine(text, 12));
        Assert.Equal(new SwfSkip(12, reason, detail), skip);
    }

    [Fact]
    public void ParseLine_BlankLine_IsNothing() => Assert.Null(SwfWorkloads.ParseLine("   \t", 3));

    [Fact]
    public void ReadFile_Gzipped_IsReadByContent()
    {
        var path = Path.Combine(Path.GetTempPath(), $"swf-{Guid.NewGuid():N}.swf.gz");
        try
        {
            using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            using (var writer = new StreamWriter(gzip))
                writer.Write(Sample);

            var jobs = SwfWorkloads.ReadFile(path).OfType<SwfJob>().ToList();

            Assert.Equal([1L, 2L], jobs.Select(j => j.JobNumber));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
