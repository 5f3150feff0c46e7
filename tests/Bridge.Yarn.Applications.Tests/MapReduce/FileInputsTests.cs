using Bridge.Yarn.Applications.MapReduce;

namespace Bridge.Yarn.Applications.Tests.MapReduce;

public sealed class FileInputsTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TryList_Directory_RecursiveSortedAndHiddenSkipped()
    {
        _dir.Write("in/b.txt", "b");
        _dir.Write("in/a.txt", "a");
        _dir.Write("in/sub/c.txt", "c");
        _dir.Write("in/.hidden", "x");
        _dir.Write("in/_SUCCESS", "");
        _dir.Write("in/_logs/history.txt", "x");
        _dir.Write("in/.git/config", "x");
        _dir.Write("in/sub/.swp", "x");

        Assert.True(FileInputs.TryList(_dir.Combine("in"), out var files, out var error));
        Assert.Null(error);
        Assert.Equal([_dir.Combine("in", "a.txt"), _dir.Combine("in", "b.txt"), _dir.Combine("in", "sub", "c.txt")], files);
    }

    [Fact]
    public void TryList_File_ItselfOnly()
    {
        string path = _dir.Write("one.txt", "x");
        Assert.True(FileInputs.TryList(path, out var files, out _));
        Assert.Equal([path], files);
    }

    [Fact]
    public void TryList_EmptyDirectory_NoFilesNoError()
    {
        Directory.CreateDirectory(_dir.Combine("empty"));
        Assert.True(FileInputs.TryList(_dir.Combine("empty"), out var files, out var error));
        Assert.Empty(files);
        Assert.Null(error);
    }

    [Fact]
    public void TryList_Missing_ErrorAsValue()
    {
        Assert.False(FileInputs.TryList(_dir.Combine("nope"), out _, out var error));
        Assert.StartsWith("Input path does not exist", error);
    }

    [Fact]
    public void TryList_HiddenPathGiven_MatchesZeroFiles()
    {
        string path = _dir.Write("_part", "x");
        Assert.False(FileInputs.TryList(path, out _, out var error));
        Assert.Contains("matches 0 files", error);
    }

    [Theory]
    [InlineData(0, 100, new long[] { 0 })]            // an empty file: one split of length 0
    [InlineData(100, 100, new long[] { 100 })]
    [InlineData(110, 100, new long[] { 110 })]        // 1.10 ≤ SPLIT_SLOP: one split
    [InlineData(111, 100, new long[] { 100, 11 })]    // 1.11 > 1.1: cut
    [InlineData(320, 100, new long[] { 100, 100, 100, 20 })]
    [InlineData(210, 100, new long[] { 100, 110 })]
    [InlineData(5, 1, new long[] { 1, 1, 1, 1, 1 })]
    public void Splits_SplitSlopRule(int length, long splitSize, long[] lengths)
    {
        string path = _dir.Write("f", new byte[length]);
        var splits = FileInputs.Splits([path], splitSize);
        Assert.Equal(lengths, splits.Select(s => s.Length));
        Assert.Equal(lengths.Select((_, i) => lengths.Take(i).Sum()), splits.Select(s => s.Start));
        Assert.All(splits, s => Assert.Equal(path, s.Path));
    }

    [Fact]
    public void Splits_SymbolicLink_MeasuredByItsTarget()
    {
        // Regression: /usr/share/common-licenses/GPL -> GPL-3 was split by the link's own 5 bytes.
        string target = _dir.Write("GPL-3", new byte[210]);
        string link = _dir.Combine("GPL");
        File.CreateSymbolicLink(link, "GPL-3");

        var splits = FileInputs.Splits([link], 100);

        Assert.Equal([new FileSplit(link, 0, 100), new FileSplit(link, 100, 110)], splits);
        Assert.Equal(210, new FileInfo(target).Length);
    }
}
