using System.Text;
using Bridge.Yarn.Applications.MapReduce;

namespace Bridge.Yarn.Applications.Tests.MapReduce;

public sealed class LineSplitReaderTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private List<List<TextLine>> ReadSplits(string path, long splitSize) =>
        FileInputs.Splits([path], splitSize).Select(s => LineSplitReader.Read(s).ToList()).ToList();

    [Fact]
    public void Read_WholeFile_LinesOnLfCrAndCrLf()
    {
        string path = _dir.Write("f", "one\ntwo\r\nthree\rfour\n\nlast");
        var lines = LineSplitReader.Read(new FileSplit(path, 0, new FileInfo(path).Length)).ToList();
        Assert.Equal(
            [new(0, "one"), new(4, "two"), new(9, "three"), new(15, "four"), new(20, ""), new(21, "last")],
            lines);
    }

    [Fact]
    public void Read_LineStartingExactlyAtBoundary_BelongsToEarlierSplit()
    {
        // "aaaa\n" is bytes 0..4, "bbbb\n" starts at 5: with splits [0,5) and [5,10), the line at 5
        // is read by the first split (position 5 ≤ end 5) and skipped by the second.
        string path = _dir.Write("f", "aaaa\nbbbb\ncccc\n");
        var splits = LineSplitReader.Read(new FileSplit(path, 0, 5)).ToList();
        var second = LineSplitReader.Read(new FileSplit(path, 5, 5)).ToList();
        var third = LineSplitReader.Read(new FileSplit(path, 10, 5)).ToList();
        Assert.Equal(["aaaa", "bbbb"], splits.Select(l => l.Text));
        Assert.Equal(["cccc"], second.Select(l => l.Text));
        Assert.Empty(third);
    }

    [Fact]
    public void Read_LineCrossingBoundary_BelongsToSplitItStartsIn()
    {
        string path = _dir.Write("f", "abcdefgh\nij\n");
        Assert.Equal(["abcdefgh"], LineSplitReader.Read(new FileSplit(path, 0, 4)).Select(l => l.Text));
        Assert.Equal(["ij"], LineSplitReader.Read(new FileSplit(path, 4, 8)).Select(l => l.Text));
    }

    [Fact]
    public void Read_BoundaryInsideCrLf_NoEmptyLineInvented()
    {
        string path = _dir.Write("f", "ab\r\ncd\r\n");  // the boundary at 3 falls between CR and LF
        Assert.Equal(["ab"], LineSplitReader.Read(new FileSplit(path, 0, 3)).Select(l => l.Text));
        Assert.Equal(["cd"], LineSplitReader.Read(new FileSplit(path, 3, 5)).Select(l => l.Text));
    }

    [Fact]
    public void Read_EverySplitSize_EachLineExactlyOnceInOrder()
    {
        string text = "alpha beta\r\n\ngamma\rdelta\r\r\nepsilon é 日本語\n\nzeta";
        string path = _dir.Write("f", text);
        var whole = LineSplitReader.Read(new FileSplit(path, 0, new FileInfo(path).Length)).ToList();
        for (long size = 1; size <= new FileInfo(path).Length + 1; size++)
        {
            var joined = ReadSplits(path, size).SelectMany(l => l).ToList();
            Assert.Equal(whole, joined);
        }
    }

    [Fact]
    public void Read_ByteOrderMarkAtFileStart_Dropped()
    {
        string path = _dir.Write("f", [0xEF, 0xBB, 0xBF, .. "hi\nthere"u8]);
        Assert.Equal(["hi", "there"], LineSplitReader.Read(new FileSplit(path, 0, 11)).Select(l => l.Text));
    }

    [Fact]
    public void Read_InvalidUtf8_ReplacedLikeTextToString()
    {
        string path = _dir.Write("f", [(byte)'a', 0xFF, (byte)'b']);
        Assert.Equal("a\uFFFDb", Assert.Single(LineSplitReader.Read(new FileSplit(path, 0, 3))).Text);
    }

    [Fact]
    public void Read_EmptyFile_NoLines()
    {
        string path = _dir.Write("f", "");
        Assert.Empty(LineSplitReader.Read(new FileSplit(path, 0, 0)));
    }
}
