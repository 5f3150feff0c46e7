using System.IO.Compression;
using System.Text;
using Bridge.Traces.Alibaba;

namespace Bridge.Traces.Tests;

public sealed class AlibabaBatchTasksReadTests : IDisposable
{
    private const string Header = "task_create_time, task_end_time, job_id, task_id,number_of_instances, status, number_of_cpus_requested_per_instance_in_the_task,normalized_memory_requested_per_instance_in_the_task";
    private const string Table = Header + "\r\n6459,6524,3,4,15740,Terminated,50,0.007956928\r\n6036,6046,4,7,393,Waiting,,\n6046,0,4,8,1,Terminated,100,0.1\r\n";
    private readonly string _directory = Directory.CreateTempSubdirectory("bridge-traces-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize)) gzip.Write(bytes);
        return output.ToArray();
    }

    private static void AssertSmallTable(IReadOnlyList<BatchTaskLine> lines)
    {
        Assert.Equal(3, lines.Count);
        Assert.Equal(new BatchTaskRow(2, 6459, 6524, new BatchJobId(3), new BatchTaskId(4), 15740, BatchTaskStatus.Terminated, 50, 0.007956928), lines[0]);
        Assert.Equal(new BatchTaskSkip(3, BatchTaskSkipReason.EmptyRequest, "cpu and memory requests empty"), lines[1]);
        Assert.Equal(BatchTaskSkipReason.EndBeforeCreate, Assert.IsType<BatchTaskSkip>(lines[2]).Reason);
        Assert.Equal(4, lines[2].LineNumber);
    }

    [Fact]
    public void ReadFile_PlainTableWithMixedLineEnds_RowsAndSkipsWithLineNumbers()
    {
        string path = Path.Combine(_directory, "t.csv");
        File.WriteAllText(path, Table);
        AssertSmallTable(AlibabaBatchTasks.ReadFile(path).ToList());
    }

    [Fact]
    public void ReadFile_GzipUnderAPlainName_DecidedByContent()
    {
        string path = Path.Combine(_directory, "t.csv");
        File.WriteAllBytes(path, Gzip(Encoding.UTF8.GetBytes(Table)));
        AssertSmallTable(AlibabaBatchTasks.ReadFile(path).ToList());
    }

    [Fact]
    public void ReadFile_PlainUnderAGzName_DecidedByContent()
    {
        string path = Path.Combine(_directory, "t.csv.gz");
        File.WriteAllText(path, Table);
        AssertSmallTable(AlibabaBatchTasks.ReadFile(path).ToList());
    }

    [Fact]
    public void Read_NonSeekableGzipStream_ReadAndLeftOpen()
    {
        using var stream = new NonSeekable(new MemoryStream(Gzip(Encoding.UTF8.GetBytes(Table))));
        AssertSmallTable(AlibabaBatchTasks.Read(stream).ToList());
        Assert.False(stream.Disposed);
    }

    [Fact]
    public void Read_HeaderWithUtf8ByteOrderMark_Accepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Table)).ToArray();
        AssertSmallTable(AlibabaBatchTasks.Read(new MemoryStream(bytes)).ToList());
    }

    [Fact]
    public void Read_HeaderOnly_NoLines()
    {
        Assert.Empty(AlibabaBatchTasks.Read(new MemoryStream(Encoding.UTF8.GetBytes(Header + "\n"))));
    }

    [Fact]
    public void Read_EmptyInput_Throws()
    {
        Assert.Throws<InvalidDataException>(() => AlibabaBatchTasks.Read(new MemoryStream()).ToList());
    }

    [Fact]
    public void Read_HeaderlessTable_Throws()
    {
        var bytes = Encoding.UTF8.GetBytes("6459,6524,3,4,15740,Terminated,50,0.007956928\n");
        Assert.Throws<InvalidDataException>(() => AlibabaBatchTasks.Read(new MemoryStream(bytes)).ToList());
    }

    [Fact]
    public void Read_OneByteInput_NotMistakenForGzip()
    {
        Assert.Throws<InvalidDataException>(() => AlibabaBatchTasks.Read(new MemoryStream([0x1f])).ToList());
    }

    [Fact]
    public void ReadFile_ShippedTable_KnownCounts()
    {
        var summary = new BatchTaskSummary();
        long instancesUsed = 0, coreHundredthSeconds = 0;
        BatchTaskLine? first = null;
        foreach (var line in AlibabaBatchTasks.ReadFile(RepositoryFiles.AlibabaBatchTasks))
        {
            first ??= line;
            summary.Add(line);
            if (line is BatchTaskRow row)
            {
                instancesUsed += row.Instances;
                coreHundredthSeconds += row.Instances * row.CpuHundredths * row.DurationSeconds;
            }
        }

        // Counted independently of this reader (a few lines of Python over the uncompressed CSV).
        Assert.Equal(80_553, summary.RowsRead);
        Assert.Equal(71_454, summary.RowsUsed);
        Assert.Equal(9_017, summary.Skipped[BatchTaskSkipReason.EmptyRequest]);
        Assert.Equal(82, summary.Skipped[BatchTaskSkipReason.EndBeforeCreate]);
        Assert.Equal(summary.RowsRead, summary.RowsUsed + summary.RowsSkipped);
        Assert.Equal(11_046_207, instancesUsed);
        Assert.Equal(489_066_053_950, coreHundredthSeconds);
        Assert.Equal(new BatchTaskRow(2, 6459, 6524, new BatchJobId(3), new BatchTaskId(4), 15740, BatchTaskStatus.Terminated, 50, 0.007956928), first);
    }

    [Fact]
    public void Summary_AddPartials_EqualsWhole()
    {
        var lines = AlibabaBatchTasks.Read(new MemoryStream(Encoding.UTF8.GetBytes(Table))).ToList();
        var whole = BatchTaskSummary.Of(lines);
        var partial = BatchTaskSummary.Of(lines.Take(1));
        partial.Add(BatchTaskSummary.Of(lines.Skip(1)));

        Assert.Equal((3L, 1L, 2L), (whole.RowsRead, whole.RowsUsed, whole.RowsSkipped));
        Assert.Equal(whole.ToString(), partial.ToString());
        Assert.Equal("read=3 used=1 skipped=2 (EmptyRequest=1, EndBeforeCreate=1)", whole.ToString());
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public bool Disposed { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 7));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { Disposed = true; base.Dispose(disposing); }
    }
}
