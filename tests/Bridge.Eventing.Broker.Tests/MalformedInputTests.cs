using Bridge.Eventing.Broker.Protocol;

namespace Bridge.Eventing.Broker.Tests;

/// <summary>Bad bytes throw <see cref="KafkaProtocolException"/> naming the field and the byte offset, before allocating.</summary>
public class MalformedInputTests
{
    private delegate void Read(ref KafkaReader r);

    private static KafkaProtocolException Fails(string hex, Read read)
    {
        var bytes = Convert.FromHexString(hex);
        return Assert.Throws<KafkaProtocolException>(() =>
        {
            var r = new KafkaReader(bytes);
            read(ref r);
        });
    }

    [Fact]
    public void Truncated_Int32_NamesFieldAndOffset()
    {
        var e = Fails("0001" + "0000", (ref KafkaReader r) => { r.ReadInt16("Acks"); r.ReadInt32("TimeoutMs"); });
        Assert.Equal("TimeoutMs", e.Field);
        Assert.Equal(2, e.Offset);
        Assert.Contains("needs 4 bytes but only 2 remain", e.Message);
    }

    [Fact]
    public void HugeRecordsLength_InTinyFrame_ThrowsWithoutAllocating()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails("7fffffff" + "00", (ref KafkaReader r) => r.ReadRecords("Records"));
        Assert.Equal("Records", e.Field);
        Assert.Equal(0, e.Offset);
        Assert.Contains("length 2147483647 exceeds the 1 bytes remaining", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
    }

    [Theory]
    [InlineData("7fffffff")] // 2^31-1 elements of at least 6 bytes
    [InlineData("00000002" + "0000")] // 2 elements need 12 bytes, 2 remain
    public void ArrayCountBeyondRemainingBytes_Throws(string hex)
    {
        var e = Fails(hex, (ref KafkaReader r) => r.ReadArrayLength("TopicData", 6));
        Assert.Equal("TopicData", e.Field);
        Assert.Contains("array of", e.Message);
    }

    [Theory]
    [InlineData("fffe")] // -2
    [InlineData("8000")] // -32768
    public void NegativeStringLength_Throws(string hex)
    {
        var e = Fails(hex, (ref KafkaReader r) => r.ReadNullableString("ClientId"));
        Assert.Contains("negative", e.Message);
    }

    [Fact]
    public void NullWhereRequired_Throws()
    {
        Assert.Contains("null where the spec requires a string", Fails("ffff", (ref KafkaReader r) => r.ReadString("Name")).Message);
        Assert.Contains("null where the spec requires an array", Fails("ffffffff", (ref KafkaReader r) => r.ReadArrayLength("Topics", 2)).Message);
        Assert.Contains("null where the spec requires bytes", Fails("ffffffff", (ref KafkaReader r) => r.ReadBytes("Metadata")).Message);
        Assert.Contains("null where the spec requires a compact string", Fails("00", (ref KafkaReader r) => r.ReadCompactString("ClientSoftwareName")).Message);
    }

    [Theory]
    [InlineData("8080808080")] // continuation on the fifth byte
    [InlineData("ffffffff1f")] // fifth byte carries bits beyond 32
    [InlineData("ffff")] // truncated
    public void BadUnsignedVarInt_Throws(string hex)
    {
        var e = Fails(hex, (ref KafkaReader r) => r.ReadUnsignedVarInt("count"));
        Assert.Equal("count", e.Field);
    }

    [Fact]
    public void BadVarLong_Throws()
    {
        Fails("ffffffffffffffffff02", (ref KafkaReader r) => r.ReadVarLong("offsetDelta")); // tenth byte > 1
        Fails("8080808080808080808001", (ref KafkaReader r) => r.ReadUnsignedVarLong("x")); // 11 bytes
    }

    [Fact]
    public void CompactLengthsBeyondRemaining_Throw()
    {
        Fails("ffffffff0f", (ref KafkaReader r) => r.ReadCompactString("Name")); // 2^32-2 bytes declared
        Fails("0a" + "41", (ref KafkaReader r) => r.ReadCompactBytes("b")); // 9 declared, 1 present
        Fails("ffffffff0f", (ref KafkaReader r) => r.ReadCompactArrayLength("ApiKeys", 7));
        Fails("05" + "0000", (ref KafkaReader r) => r.ReadCompactRecords("Records"));
    }

    [Fact]
    public void TaggedFields_BadCountOrSize_Throw()
    {
        Fails("ffffffff0f", (ref KafkaReader r) => r.SkipTaggedFields()); // 2^32-1 fields
        Fails("01" + "00" + "7f" + "00", (ref KafkaReader r) => r.SkipTaggedFields()); // size 127, 1 byte left
    }

    [Fact]
    public void EnsureEnd_ReportsTrailingBytes()
    {
        var e = Fails("000000", (ref KafkaReader r) => { r.ReadInt16("a"); r.EnsureEnd("Heartbeat v3 request body"); });
        Assert.Equal(2, e.Offset);
        Assert.Contains("1 unexpected bytes after the Heartbeat v3 request body", e.Message);
    }

    [Fact]
    public void Offsets_AreRelativeToTheFrame()
    {
        var bytes = Convert.FromHexString("0102030405");
        var e = Assert.Throws<KafkaProtocolException>(() =>
        {
            var r = new KafkaReader(bytes.AsMemory(3), baseOffset: 3);
            r.ReadInt32("late");
        });
        Assert.Equal(3, e.Offset);
    }
}
