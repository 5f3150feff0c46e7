using Bridge.Rpc.Internal;

namespace Bridge.Rpc.Tests.Unit;

public class MetadataTests
{
    [Fact]
    public void Add_UpperCaseKey_IsLowerCased()
    {
        var m = new Metadata { { "X-Trace-Id", "abc" } };
        Assert.Equal("x-trace-id", m[0].Key);
        Assert.Equal("abc", m.GetValue("x-trace-id"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad key")]
    [InlineData("bad:key")]
    [InlineData("ключ")]
    public void Add_InvalidKey_Throws(string key) => Assert.Throws<ArgumentException>(() => new Metadata { { key, "v" } });

    [Fact]
    public void Add_BinaryKeyWithString_Throws() => Assert.Throws<ArgumentException>(() => new Metadata { { "x-bin", "v" } });

    [Fact]
    public void Add_StringKeyWithBytes_Throws() => Assert.Throws<ArgumentException>(() => new Metadata { { "x", new byte[] { 1 } } });

    [Fact]
    public void Add_NonPrintableValue_Throws() => Assert.Throws<ArgumentException>(() => new Metadata { { "x", "a\nb" } });

    [Fact]
    public void Empty_IsReadOnly() => Assert.Throws<InvalidOperationException>(() => Metadata.Empty.Add("a", "b"));

    [Fact]
    public void EncodeValue_Binary_IsUnpaddedBase64()
    {
        var entry = new Metadata.Entry("x-bin", new byte[] { 0xFF, 0x00 });
        Assert.Equal("/wA", MetadataCodec.EncodeValue(entry));
    }

    [Theory]
    [InlineData("/wA")]
    [InlineData("/wA=")]
    public void TryAdd_Base64PaddedOrNot_Decodes(string wire)
    {
        var m = new Metadata();
        Assert.True(MetadataCodec.TryAdd(m, "x-bin", [wire]));
        Assert.Equal(new byte[] { 0xFF, 0x00 }, m.GetValueBytes("x-bin"));
    }

    [Fact]
    public void TryAdd_FoldedBinaryValues_AreSplit()
    {
        var m = new Metadata();
        Assert.True(MetadataCodec.TryAdd(m, "x-bin", ["AQ,Ag=="]));
        Assert.Equal(2, m.Count);
        Assert.Equal(new byte[] { 2 }, m[1].ValueBytes);
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("A")]
    public void TryAdd_BadBase64_Fails(string wire) => Assert.False(MetadataCodec.TryAdd(new Metadata(), "x-bin", [wire]));

    [Theory]
    [InlineData("grpc-timeout")]
    [InlineData("content-type")]
    [InlineData("te")]
    [InlineData(":path")]
    public void TryAdd_ReservedHeader_IsNotMetadata(string name)
    {
        var m = new Metadata();
        Assert.True(MetadataCodec.TryAdd(m, name, ["x"]));
        Assert.Empty(m);
    }
}
