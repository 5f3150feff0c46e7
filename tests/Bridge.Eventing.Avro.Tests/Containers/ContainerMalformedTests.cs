using System.IO.Compression;
using System.Text;
using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Containers;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Tests.Containers;

/// <summary>Every malformed or refused file is an AvroContainerException with the offset and a precise detail, found before allocating what the file claims.</summary>
public class ContainerMalformedTests
{
    private const string LongSchema = "\"long\"";
    private static readonly (string, string)[] LongNull = [("avro.schema", LongSchema), ("avro.codec", "null")];

    private static AvroContainerException Fails(byte[] file, ContainerReaderLimits? limits = null) =>
        Assert.Throws<AvroContainerException>(() =>
        {
            using var reader = new AvroContainerReader(new MemoryStream(file), limits: limits);
            foreach (var _ in reader.ReadAll()) { }
        });

    private static List<object?> Reads(byte[] file)
    {
        using var reader = new AvroContainerReader(new MemoryStream(file));
        return reader.ReadAll().ToList();
    }

    [Fact]
    public void HandBuiltFile_Reads() =>
        Assert.Equal([1L, -1L], Reads(new ContainerBytes().Header(LongNull).Block(2, [0x02, 0x01]).ToArray()));

    [Fact]
    public void AbsentCodec_MeansNull() =>
        Assert.Equal([1L], Reads(new ContainerBytes().Header(("avro.schema", LongSchema)).Block(1, [0x02]).ToArray()));

    [Fact]
    public void MetadataInSeveralBlocks_WithByteSizes_IsRead()
    {
        var file = new ContainerBytes().Raw("Obj\x01"u8.ToArray())
            .Long(-1).Long(LongSchema.Length + 13).Long(11).Raw(Encoding.UTF8.GetBytes("avro.schema")).Long(LongSchema.Length).Raw(Encoding.UTF8.GetBytes(LongSchema))
            .Long(1).Long(4).Raw("user"u8.ToArray()).Long(0)
            .Long(0).Raw(ContainerBytes.Sync).Block(1, [0x04]).ToArray();
        using var reader = new AvroContainerReader(new MemoryStream(file));
        Assert.Equal(["avro.schema", "user"], reader.Metadata.Keys.Order());
        Assert.Equal([2L], reader.ReadAll().ToList());
    }

    [Fact]
    public void ZeroCountBlocks_AreSkipped() =>
        Assert.Equal([3L], Reads(new ContainerBytes().Header(LongNull).Block(0, []).Block(1, [0x06]).Block(0, []).ToArray()));

    public static TheoryData<string, byte[], string> BadHeaders => new()
    {
        { "empty", [], "empty" },
        { "wrong magic", Encoding.ASCII.GetBytes("PAR1...."), "not an Avro object container file" },
        { "version 2", [(byte)'O', (byte)'b', (byte)'j', 2, 0], "4F626A02" },
        { "truncated magic", "Ob"u8.ToArray(), "ends inside the magic" },
        { "no metadata", "Obj\x01"u8.ToArray(), "ends inside the metadata's block count" },
        { "no sync", new ContainerBytes().Raw("Obj\x01"u8.ToArray()).Long(0).Raw(1, 2, 3).ToArray(), "ends inside the header's sync marker" },
        { "no schema", new ContainerBytes().Header(("avro.codec", "null")).ToArray(), "no avro.schema" },
        { "invalid schema", new ContainerBytes().Header(("avro.schema", "{\"type\":\"nope\"}")).ToArray(), "not a valid schema" },
        { "snappy", new ContainerBytes().Header(("avro.schema", LongSchema), ("avro.codec", "snappy")).ToArray(), "codec 'snappy' is optional" },
        { "zstandard", new ContainerBytes().Header(("avro.schema", LongSchema), ("avro.codec", "zstandard")).ToArray(), "codec 'zstandard' is optional" },
        { "unknown codec", new ContainerBytes().Header(("avro.schema", LongSchema), ("avro.codec", "lzma")).ToArray(), "unknown codec 'lzma'" },
        { "duplicate key", new ContainerBytes().Header(("avro.schema", LongSchema), ("avro.schema", LongSchema)).ToArray(), "appears twice" },
        { "key not UTF-8", new ContainerBytes().Raw("Obj\x01"u8.ToArray()).Long(1).Long(1).Raw(0xFF).Long(0).Long(0).Raw(ContainerBytes.Sync).ToArray(), "not valid UTF-8" },
        { "negative key length", new ContainerBytes().Raw("Obj\x01"u8.ToArray()).Long(1).Long(-5).ToArray(), "negative" },
        { "huge key length", new ContainerBytes().Raw("Obj\x01"u8.ToArray()).Long(1).Long(long.MaxValue).ToArray(), "exceeds the header limit" },
        { "huge entry count", new ContainerBytes().Raw("Obj\x01"u8.ToArray()).Long(long.MaxValue).ToArray(), "exceeds the header limit" },
        { "count of long.MinValue", new ContainerBytes().Raw("Obj\x01"u8.ToArray()).Long(long.MinValue).ToArray(), "out of range" },
        { "overlong varint", new ContainerBytes().Raw("Obj\x01"u8.ToArray()).Raw(Enumerable.Repeat((byte)0x80, 11).ToArray()).ToArray(), "overflows 64 bits" },
        { "truncated value", new ContainerBytes().Raw("Obj\x01"u8.ToArray()).Long(1).Long(1).Raw((byte)'k').Long(1000).Raw(1, 2).ToArray(), "ends inside the value of metadata 'k' (2 of 1000 bytes)" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void BadHeader_IsAPreciseError(string name, byte[] file, string detail)
    {
        var error = Fails(file);
        Assert.True(error.Detail.Contains(detail), $"{name}: {error.Detail}");
    }

    public static TheoryData<string, byte[], string> BadBlocks => new()
    {
        { "negative count", new ContainerBytes().Header(LongNull).Long(-1).Long(0).ToArray(), "datum count -1" },
        { "count over the limit", new ContainerBytes().Header(LongNull).Long(1L << 40).Long(0).ToArray(), "is not within 0 to 16777216" },
        { "negative size", new ContainerBytes().Header(LongNull).Long(1).Long(-1).ToArray(), "byte size -1" },
        { "size over the limit", new ContainerBytes().Header(LongNull).Long(1).Long(1L << 40).ToArray(), "is not within 0 to 67108864" },
        { "truncated count", new ContainerBytes().Header(LongNull).Raw(0x80).ToArray(), "ends inside a block's datum count" },
        { "truncated data", new ContainerBytes().Header(LongNull).Long(1).Long(5).Raw(2).ToArray(), "ends inside block 0 (1 of 5 bytes)" },
        { "no sync", new ContainerBytes().Header(LongNull).Long(1).Long(1).Raw(2).ToArray(), "ends inside the sync marker after block 0" },
        { "wrong sync", new ContainerBytes().Header(LongNull).Block(1, [2]).Block(1, [2], new byte[16]).ToArray(), "sync marker after block 1 is not the header's" },
        { "more datums than bytes", new ContainerBytes().Header(LongNull).Block(3, [2, 2]).ToArray(), "3 datums cannot fit in its 2 bytes" },
        { "trailing bytes", new ContainerBytes().Header(LongNull).Block(1, [2, 2]).ToArray(), "1 bytes left after its last datum" },
        { "bytes in an empty block", new ContainerBytes().Header(LongNull).Block(0, [2]).ToArray(), "1 bytes but no datums" },
        { "bad datum", new ContainerBytes().Header(LongNull).Block(1, [0x80]).ToArray(), "byte 0 of its data: long varint is truncated" },
        { "corrupt deflate", new ContainerBytes().Header(("avro.schema", LongSchema), ("avro.codec", "deflate")).Block(1, [0xFF, 0xFF, 0xFF]).ToArray(), "deflate data is corrupt" },
    };

    [Theory]
    [MemberData(nameof(BadBlocks))]
    public void BadBlock_IsAPreciseError(string name, byte[] file, string detail)
    {
        var error = Fails(file);
        Assert.True(error.Detail.Contains(detail), $"{name}: {error.Detail}");
    }

    [Fact]
    public void Offsets_PointAtTheBadElement()
    {
        var header = new ContainerBytes().Header(LongNull).ToArray();
        var wrongSync = new ContainerBytes().Header(LongNull).Block(1, [2], new byte[16]).ToArray();
        Assert.Equal(header.Length + 3, Fails(wrongSync).Offset); // count, size, one data byte, then the marker
        var badDatum = Fails(new ContainerBytes().Header(LongNull).Block(1, [0x80]).ToArray());
        Assert.Equal(header.Length, badDatum.Offset);
        Assert.IsType<AvroDecodeException>(badDatum.InnerException);
    }

    [Fact]
    public void DeflateBomb_IsRefused_AtTheDecompressedLimit()
    {
        // 65 MiB of zeros deflate to about 65 KB; the default limit is 64 MiB.
        var bomb = ContainerBytes.Deflate(new byte[65 * 1024 * 1024], CompressionLevel.Fastest);
        var file = new ContainerBytes().Header(("avro.schema", "\"null\""), ("avro.codec", "deflate")).Block(1, bomb).ToArray();
        Assert.Contains("inflates past the limit of 67108864 bytes", Fails(file).Detail);
    }

    [Fact]
    public void DecompressedLimit_IsExact()
    {
        var data = Enumerable.Repeat((byte)2, 1000).ToArray(); // 1,000 longs of 1
        var file = new ContainerBytes().Header(("avro.schema", LongSchema), ("avro.codec", "deflate")).Block(1000, ContainerBytes.Deflate(data)).ToArray();
        using (var reader = new AvroContainerReader(new MemoryStream(file), limits: new ContainerReaderLimits { MaxDecompressedBlockBytes = 1000 }))
            Assert.Equal(1000, reader.ReadAll().Count());
        Assert.Contains("past the limit of 999", Fails(file, new ContainerReaderLimits { MaxDecompressedBlockBytes = 999 }).Detail);
    }

    [Fact]
    public void ClaimedSizes_AreNotAllocated_BeyondWhatTheFileHolds()
    {
        // A block that claims 60 MiB (within the limit) in a file of a few bytes.
        var file = new ContainerBytes().Header(LongNull).Long(1).Long(60L * 1024 * 1024).Raw(1, 2, 3).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Fails(file);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024, "the reader allocated what the block claimed, not what it held");
    }

    [Fact]
    public void ZeroByteDatums_AreBoundedByTheBlockCountLimit()
    {
        var file = new ContainerBytes().Header(("avro.schema", "\"null\"")).Block(1000, []).ToArray();
        Assert.Equal(1000, Reads(file).Count);
        Assert.Contains("datum count 1000 is not within 0 to 999", Fails(file, new ContainerReaderLimits { MaxBlockCount = 999 }).Detail);
    }

    [Fact]
    public void DatumLimits_Apply_InsideBlocks()
    {
        var file = new ContainerBytes().Header(("avro.schema", """{"type":"array","items":"null"}""")).Block(1, [0x14, 0x00]).ToArray(); // 10 nulls
        var error = Fails(file, new ContainerReaderLimits { Datum = new DecodeLimits { MaxValues = 5 } });
        Assert.Contains("limit of 5 values", error.Detail);
    }

    [Fact]
    public void UnresolvableReaderSchema_IsAResolutionError_AtConstruction()
    {
        var file = new ContainerBytes().Header(LongNull).ToArray();
        Assert.Throws<AvroResolutionException>(() => new AvroContainerReader(new MemoryStream(file), AvroSchema.String));
    }
}
