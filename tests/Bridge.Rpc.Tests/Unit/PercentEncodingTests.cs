using Bridge.Rpc.Internal;

namespace Bridge.Rpc.Tests.Unit;

public class PercentEncodingTests
{
    [Fact]
    public void Encode_PlainAscii_IsUnchanged() => Assert.Equal("not found", PercentEncoding.Encode("not found"));

    [Fact]
    public void Encode_PercentControlAndUnicode_AreEscapedAsUtf8()
    {
        Assert.Equal("50%25 done%0A%E2%9C%93", PercentEncoding.Encode("50% done\n✓"));
    }

    [Theory]
    [InlineData("missing ✓ 100% done\n")]
    [InlineData("tab\tand \u0000 null")]
    [InlineData("日本語")]
    public void Decode_OfEncode_RoundTrips(string message) =>
        Assert.Equal(message, PercentEncoding.Decode(PercentEncoding.Encode(message)));

    [Theory]
    [InlineData("100%", "100%")]
    [InlineData("%zz", "%zz")]
    [InlineData("%4", "%4")]
    [InlineData("a%41b", "aAb")]
    public void Decode_MalformedEscapes_AreKeptLiterally(string wire, string expected) =>
        Assert.Equal(expected, PercentEncoding.Decode(wire));
}
