using System.Buffers;
using Bridge.Eventing.Broker.Protocol;

namespace Bridge.Eventing.Broker.Tests;

/// <summary>
/// KafkaReader/KafkaWriter primitives against values worked out by hand from the protocol guide
/// (big-endian fixed ints; LEB128 varints, zig-zag for signed; compact = unsigned varint N+1).
/// </summary>
public class PrimitiveTests
{
    private delegate void Write(ref KafkaWriter w);

    private static string Hex(Write write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(output);
        write(ref writer);
        writer.Flush();
        var counter = KafkaWriter.CreateCounter();
        write(ref counter);
        Assert.Equal(output.WrittenCount, counter.BytesWritten);
        return Convert.ToHexStringLower(output.WrittenSpan);
    }

    [Theory]
    [InlineData(0u, "00")]
    [InlineData(1u, "01")]
    [InlineData(127u, "7f")]
    [InlineData(128u, "8001")]
    [InlineData(300u, "ac02")] // 300 = 0b10_0101100: low 7 bits 0x2C|0x80, then 0x02
    [InlineData(16_383u, "ff7f")]
    [InlineData(16_384u, "808001")]
    [InlineData(uint.MaxValue, "ffffffff0f")]
    public void UnsignedVarInt_EncodesAsLeb128(uint value, string hex)
    {
        Assert.Equal(hex, Hex((ref KafkaWriter w) => w.WriteUnsignedVarInt(value)));
        var reader = new KafkaReader(Convert.FromHexString(hex));
        Assert.Equal(value, reader.ReadUnsignedVarInt("v"));
        Assert.Equal(0, reader.Remaining);
        Assert.Equal(hex.Length / 2, KafkaWriter.UnsignedVarIntSize(value));
    }

    [Theory]
    [InlineData(0, "00")]
    [InlineData(-1, "01")] // zig-zag: -1 -> 1
    [InlineData(1, "02")]
    [InlineData(-64, "7f")]
    [InlineData(64, "8001")]
    [InlineData(int.MaxValue, "feffffff0f")]
    [InlineData(int.MinValue, "ffffffff0f")]
    public void VarInt_EncodesZigZag(int value, string hex)
    {
        Assert.Equal(hex, Hex((ref KafkaWriter w) => w.WriteVarInt(value)));
        var reader = new KafkaReader(Convert.FromHexString(hex));
        Assert.Equal(value, reader.ReadVarInt("v"));
    }

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(-1L, "01")]
    [InlineData(1L << 40, "808080808040")] // zig-zag gives 2^41: five empty 7-bit groups (0x80), then 2^(41-35) = 0x40
    [InlineData(long.MaxValue, "feffffffffffffffff01")]
    [InlineData(long.MinValue, "ffffffffffffffffff01")]
    public void VarLong_EncodesZigZag(long value, string hex)
    {
        var reader = new KafkaReader(Convert.FromHexString(hex));
        Assert.Equal(value, reader.ReadVarLong("v"));
        Assert.Equal(hex, Hex((ref KafkaWriter w) => w.WriteVarLong(value)));
    }

    [Fact]
    public void FixedWidth_AreBigEndian()
    {
        Assert.Equal("fe" + "fffe" + "fffffffe" + "fffffffffffffffe" + "fffffffe" + "01" + "00",
            Hex((ref KafkaWriter w) =>
            {
                w.WriteInt8(-2); w.WriteInt16(-2); w.WriteInt32(-2); w.WriteInt64(-2); w.WriteUInt32(uint.MaxValue - 1);
                w.WriteBoolean(true); w.WriteBoolean(false);
            }));
        var r = new KafkaReader(Convert.FromHexString("fefffefffffffefffffffffffffffefffffffe0102"));
        Assert.Equal(-2, r.ReadInt8("a"));
        Assert.Equal(-2, r.ReadInt16("b"));
        Assert.Equal(-2, r.ReadInt32("c"));
        Assert.Equal(-2L, r.ReadInt64("d"));
        Assert.Equal(uint.MaxValue - 1, r.ReadUInt32("e"));
        Assert.True(r.ReadBoolean("f"));
        Assert.True(r.ReadBoolean("g")); // any non-zero byte is true
    }

    [Fact]
    public void Strings_ClassicAndCompact()
    {
        // "hé" is 3 UTF-8 bytes: 68 c3 a9.
        Assert.Equal("0003" + "68c3a9", Hex((ref KafkaWriter w) => w.WriteString("hé")));
        Assert.Equal("ffff", Hex((ref KafkaWriter w) => w.WriteNullableString(null)));
        Assert.Equal("0000", Hex((ref KafkaWriter w) => w.WriteString("")));
        Assert.Equal("04" + "68c3a9", Hex((ref KafkaWriter w) => w.WriteCompactString("hé")));
        Assert.Equal("00", Hex((ref KafkaWriter w) => w.WriteCompactNullableString(null)));
        Assert.Equal("01", Hex((ref KafkaWriter w) => w.WriteCompactString("")));

        var r = new KafkaReader(Convert.FromHexString("000368c3a9ffff0468c3a90001"));
        Assert.Equal("hé", r.ReadString("a"));
        Assert.Null(r.ReadNullableString("b"));
        Assert.Equal("hé", r.ReadCompactString("c"));
        Assert.Null(r.ReadCompactNullableString("d"));
        Assert.Equal("", r.ReadCompactString("e"));
    }

    [Fact]
    public void Bytes_RecordsAndArrays()
    {
        Assert.Equal("00000002" + "0102" + "ffffffff" + "03" + "0102" + "00",
            Hex((ref KafkaWriter w) =>
            {
                w.WriteBytes([1, 2]); w.WriteNullableBytes(null);
                w.WriteCompactBytes([1, 2]); w.WriteCompactNullableBytes(null);
            }));
        Assert.Equal("00000002" + "00000001" + "00000002" + "ffffffff" + "03" + "00",
            Hex((ref KafkaWriter w) =>
            {
                w.WriteInt32Array([1, 2]); w.WriteArrayLength(null); w.WriteCompactArrayLength(2); w.WriteCompactArrayLength(null);
            }));

        byte[] frame = Convert.FromHexString("00000003aabbccffffffff");
        var r = new KafkaReader(frame);
        var records = r.ReadRecords("Records");
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, records!.Value.ToArray());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(records.Value, out var segment));
        Assert.Same(frame, segment.Array); // records alias the frame, no copy
        Assert.Null(r.ReadRecords("Records"));
    }

    [Fact]
    public void Uuid_IsMostSignificantByteFirst()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        Assert.Equal("00112233445566778899aabbccddeeff", Hex((ref KafkaWriter w) => w.WriteUuid(id)));
        var r = new KafkaReader(Convert.FromHexString("00112233445566778899aabbccddeeff"));
        Assert.Equal(id, r.ReadUuid("TopicId"));
    }

    [Fact]
    public void TaggedFields_UnknownTagsAreSkipped()
    {
        // Two tagged fields: tag 0 size 2 (aa bb), tag 5 size 0; then a trailing int16.
        var r = new KafkaReader(Convert.FromHexString("02" + "00" + "02" + "aabb" + "05" + "00" + "0007"));
        r.SkipTaggedFields();
        Assert.Equal(7, r.ReadInt16("after"));
        Assert.Equal("00", Hex((ref KafkaWriter w) => w.WriteEmptyTaggedFields()));
    }

    [Fact]
    public void Writer_LargeBlobsAndManySmallWrites_ComeOutInOrder()
    {
        var blob = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        var output = new ArrayBufferWriter<byte>(16);
        var w = new KafkaWriter(output);
        for (int i = 0; i < 1000; i++) w.WriteInt32(i);
        w.WriteRecords(blob);
        w.WriteInt16(-1);
        w.Flush();

        var r = new KafkaReader(output.WrittenMemory);
        for (int i = 0; i < 1000; i++) Assert.Equal(i, r.ReadInt32("i"));
        Assert.Equal(blob, r.ReadRecords("Records")!.Value.ToArray());
        Assert.Equal(-1, r.ReadInt16("end"));
        Assert.Equal(0, r.Remaining);
    }

    [Fact]
    public void Writer_StringOver32767Bytes_Throws()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var w = new KafkaWriter(output);
            w.WriteString(new string('x', 32_768));
        });
    }
}
