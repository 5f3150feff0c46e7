using System.Buffers;
using Bridge.Eventing.Avro.Binary;

namespace Bridge.Eventing.Avro.Tests;

/// <summary>The binary encoding of primitives, from the Avro 1.11 specification's own examples, plus hostile input.</summary>
public class BinaryPrimitiveTests
{
    private static string Hex(Action<AvroBinaryWriter> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(new AvroBinaryWriter(output));
        return Convert.ToHexString(output.WrittenSpan).ToLowerInvariant();
    }

    // The specification's zig-zag table ("Binary Encoding", "Primitive Types").
    [Theory]
    [InlineData(0, "00")]
    [InlineData(-1, "01")]
    [InlineData(1, "02")]
    [InlineData(-2, "03")]
    [InlineData(2, "04")]
    [InlineData(-64, "7f")]
    [InlineData(64, "8001")]
    public void ZigZag_MatchesTheSpecificationTable(long value, string hex)
    {
        Assert.Equal(hex, Hex(w => w.WriteLong(value)));
        var reader = new AvroBinaryReader(Convert.FromHexString(hex));
        Assert.Equal(value, reader.ReadLong());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void String_Foo_IsTheSpecificationsExample() => Assert.Equal("06666f6f", Hex(w => w.WriteString("foo")));

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    [InlineData(1L << 35)]
    public void Long_Extremes_RoundTrip(long value)
    {
        var output = new ArrayBufferWriter<byte>();
        new AvroBinaryWriter(output).WriteLong(value);
        Assert.True(output.WrittenCount <= 10);
        Assert.Equal(value, new AvroBinaryReader(output.WrittenSpan).ReadLong());
    }

    [Fact]
    public void FloatAndDouble_AreLittleEndianIeee754()
    {
        Assert.Equal("0000803f", Hex(w => w.WriteFloat(1.0f)));
        Assert.Equal("000000000000f03f", Hex(w => w.WriteDouble(1.0)));
        var reader = new AvroBinaryReader(Convert.FromHexString("0000c0ff" + "000000000000f8ff"));
        Assert.True(float.IsNaN(reader.ReadFloat()));
        Assert.True(double.IsNaN(reader.ReadDouble()));
    }

    [Fact]
    public void BooleanBytesFixed_RoundTrip()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new AvroBinaryWriter(output);
        writer.WriteBoolean(true);
        writer.WriteBoolean(false);
        writer.WriteBytes([1, 2, 3]);
        writer.WriteFixed([9, 8]);
        writer.WriteString("héllo");
        Assert.Equal("0100" + "06010203" + "0908", Convert.ToHexString(output.WrittenSpan[..8]).ToLowerInvariant());

        var reader = new AvroBinaryReader(output.WrittenSpan);
        Assert.True(reader.ReadBoolean());
        Assert.False(reader.ReadBoolean());
        Assert.Equal([1, 2, 3], reader.ReadBytes());
        Assert.Equal([9, 8], reader.ReadFixed(2).ToArray());
        Assert.Equal("héllo", reader.ReadString());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void NegativeBlockCount_IsFollowedByTheBlockSize()
    {
        // Two items in a block of 4 bytes, count written as -2 (zig-zag 03), size 4 (08).
        var reader = new AvroBinaryReader(Convert.FromHexString("0308" + "02040608" + "00"));
        Assert.Equal(2, reader.ReadBlockCount(out var size));
        Assert.Equal(4, size);
        reader.Skip(size);
        Assert.Equal(0, reader.ReadBlockCount(out size));
        Assert.Equal(-1, size);
    }

    public static TheoryData<string, string, string> Hostile => new()
    {
        { "boolean", "02", "boolean must be 0 or 1" },
        { "long", "ffffffffffffffffff7f", "overflows 64 bits" },
        { "long", "80", "truncated" },
        { "int", "ffffffff7f", "out of 32-bit range" },
        { "int", "ffffffffff01", "longer than 5 bytes" },
        { "bytes", "01", "length is negative" },
        { "bytes", "feffffff0f01", "but only 1 bytes left" },
        { "string", "04c328", "not valid UTF-8" },
        { "double", "000000", "needs 8 bytes" },
        { "block", "01" + "feffffff0f", "block size" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileInput_IsAnAvroDecodeException_NamingTheProblem(string what, string hex, string message)
    {
        var bytes = Convert.FromHexString(hex);
        var e = Assert.Throws<AvroDecodeException>(() =>
        {
            var reader = new AvroBinaryReader(bytes);
            switch (what)
            {
                case "boolean": reader.ReadBoolean(); break;
                case "long": reader.ReadLong(); break;
                case "int": reader.ReadInt(); break;
                case "bytes": reader.ReadBytes(); break;
                case "string": reader.ReadString(); break;
                case "double": reader.ReadDouble(); break;
                case "block": reader.ReadBlockCount(out _); break;
            }
        });
        Assert.Contains(message, e.Message);
        Assert.Equal(0, e.Offset);
    }
}
