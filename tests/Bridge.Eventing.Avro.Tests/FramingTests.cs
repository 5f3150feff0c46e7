using System.Buffers;
using Bridge.Eventing.Avro.Framing;

namespace Bridge.Eventing.Avro.Tests;

/// <summary>The two message framings: Confluent's (magic 0, big-endian id) and Avro single-object (C3 01, little-endian fingerprint).</summary>
public class FramingTests
{
    [Fact]
    public void Confluent_IsMagicZeroThenBigEndianId()
    {
        var output = new ArrayBufferWriter<byte>();
        ConfluentFraming.WriteHeader(output, 0x01020304);
        output.Write<byte>([0x06, 0x66, 0x6f, 0x6f]);
        Assert.Equal("00010203040666" + "6F6F", Convert.ToHexString(output.WrittenSpan));
        Assert.Equal(0x01020304, ConfluentFraming.ReadHeader(output.WrittenSpan, out var body));
        Assert.Equal([0x06, 0x66, 0x6f, 0x6f], body.ToArray());
    }

    [Theory]
    [InlineData("00000001")]
    [InlineData("0100000001")]
    [InlineData("")]
    public void Confluent_BadHeader_IsRefusedWithAReason(string hex) =>
        Assert.Throws<AvroFramingException>(() => ConfluentFraming.ReadHeader(Convert.FromHexString(hex), out _));

    [Fact]
    public void SingleObject_IsC301ThenLittleEndianFingerprint()
    {
        var output = new ArrayBufferWriter<byte>();
        SingleObjectFraming.WriteHeader(output, 0x8877665544332211);
        Assert.Equal("C301" + "1122334455667788", Convert.ToHexString(output.WrittenSpan));
        Assert.Equal(0x8877665544332211UL, SingleObjectFraming.ReadHeader(output.WrittenSpan, out var body));
        Assert.True(body.IsEmpty);
        Assert.Throws<AvroFramingException>(() => SingleObjectFraming.ReadHeader(Convert.FromHexString("C3021122334455667788"), out _));
    }
}
