using System.Text;
using Bridge.Yarn.Applications.MapReduce;

namespace Bridge.Yarn.Applications.Tests.MapReduce;

public sealed class SumRunsTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SumRecord R(string key, params long[] values) => new(Encoding.UTF8.GetBytes(key), values);

    private static string Show(IEnumerable<SumRecord> records) =>
        string.Join(" ", records.Select(r => Encoding.UTF8.GetString(r.Key) + "=" + string.Join(",", r.Values)));

    [Fact]
    public void WriteRead_RoundTripsInDocumentedFormat()
    {
        string path = _dir.Combine("run");
        SumRuns.Write(path, [R("a", 1, -2), R("é", 3, 4)]);
        Assert.Equal("a\t1\t-2\né\t3\t4\n", File.ReadAllText(path));
        Assert.Equal("a=1,-2 é=3,4", Show(SumRuns.Read(path)));
        Assert.Single(Directory.EnumerateFiles(_dir.Path));  // no temporary left behind
    }

    [Fact]
    public void Write_KeyWithTab_Throws()
    {
        Assert.Throws<ArgumentException>(() => SumRuns.Write(_dir.Combine("run"), [R("a\tb", 1)]));
        Assert.Empty(Directory.EnumerateFiles(_dir.Path));
    }

    [Fact]
    public void Merge_SumsEqualKeysAcrossRunsInOrder()
    {
        var merged = SumRuns.Merge([[R("a", 1, 10), R("c", 1, 10)], [], [R("b", 2, 20), R("c", 5, 50)], [R("a", 3, 30)]], HadoopKeys.TextOrder);
        Assert.Equal("a=4,40 b=2,20 c=6,60", Show(merged));
    }

    [Fact]
    public void Merge_UnsortedRun_Throws()
    {
        Assert.Throws<InvalidDataException>(() => SumRuns.Merge([[R("b", 1), R("a", 1)]], HadoopKeys.TextOrder).ToList());
    }
}
