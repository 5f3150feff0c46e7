using System.IO.Compression;
using System.Text;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Containers;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.Tests.Codec;

namespace Bridge.Eventing.Avro.Tests.Containers;

/// <summary>Avro 1.11 specification, "Object Container Files": what the writer writes, and that the reader gives it back.</summary>
public class ContainerRoundTripTests
{
    private static byte[] Write(AvroSchema schema, IEnumerable<object?> datums, ContainerWriterOptions? options = null)
    {
        var output = new MemoryStream();
        using (var writer = new AvroContainerWriter(output, schema, (options ?? ContainerWriterOptions.Default) with { LeaveOpen = true }))
            foreach (var datum in datums) writer.Append(datum);
        return output.ToArray();
    }

    private static List<object?> ReadAll(byte[] file, AvroSchema? reader = null)
    {
        using var container = new AvroContainerReader(new MemoryStream(file), reader);
        return container.ReadAll().ToList();
    }

    [Theory]
    [InlineData(ContainerCodec.Null)]
    [InlineData(ContainerCodec.Deflate)]
    public void EverythingDatums_RoundTrip_AcrossManyBlocks(ContainerCodec codec)
    {
        var datums = Enumerable.Range(1, 200).Select(seed => (object?)DatumCorpus.EverythingDatum(seed)).ToList();
        var file = Write(DatumCorpus.Everything, datums, new ContainerWriterOptions { Codec = codec, BlockSize = 1_000 });
        using var reader = new AvroContainerReader(new MemoryStream(file));
        Assert.Equal(codec, reader.Codec);
        Assert.Equal(DatumCorpus.Everything.ToCanonicalForm(), reader.WriterSchema.ToCanonicalForm());
        Assert.Equal(datums, reader.ReadAll().ToList());
        Assert.True(SyncMarkers(file) > 20, "a 1,000-byte block size should give dozens of blocks");
    }

    [Fact]
    public void Header_IsMagic_MetadataWithSchemaAndCodec_ThenASyncMarkerThatEndsEveryBlock()
    {
        var schema = AvroSchema.Parse("""{"type":"record","name":"P","fields":[{"name":"x","type":"long"}]}""");
        var record = new GenericRecord((RecordSchema)schema) { ["x"] = 5L };
        var file = Write(schema, [record, record], new ContainerWriterOptions { Metadata = new Dictionary<string, byte[]> { ["user.key"] = [1, 2] } });
        Assert.Equal("Obj\x01"u8.ToArray(), file[..4]);
        using var reader = new AvroContainerReader(new MemoryStream(file));
        Assert.Equal(schema.ToJson(), Encoding.UTF8.GetString(reader.Metadata["avro.schema"]));
        Assert.Equal("null", Encoding.UTF8.GetString(reader.Metadata["avro.codec"]));
        Assert.Equal([1, 2], reader.Metadata["user.key"]);
        // The tail is one block: count 2, size 2 (two longs of 5 = 0A 0A), the data, the sync marker that ends the header.
        var sync = file[^16..];
        Assert.Equal([0x04, 0x04, 0x0A, 0x0A], file[^20..^16]);
        Assert.Equal(sync, file[^36..^20]);
        Assert.NotEqual(new byte[16], sync);
    }

    [Fact]
    public void SyncMarkers_AreRandomPerFile()
    {
        var a = Write(AvroSchema.Int, []);
        var b = Write(AvroSchema.Int, []);
        Assert.NotEqual(a[^16..], b[^16..]);
    }

    [Fact]
    public void Deflate_IsRawRfc1951_NotZlib()
    {
        var file = Write(AvroSchema.String, Enumerable.Repeat((object?)"compressible text ", 100), new ContainerWriterOptions { Codec = ContainerCodec.Deflate });
        var data = BlockData(file);
        using var inflated = new MemoryStream();
        using (var deflate = new DeflateStream(new MemoryStream(data), CompressionMode.Decompress)) deflate.CopyTo(inflated);
        Assert.Equal(100 * 19, inflated.Length);
        // A zlib stream would start with CMF 0x78 and carry an Adler-32 trailer; raw DEFLATE with a
        // fixed- or dynamic-Huffman final block starts with 0x?B/0x?D bits, never a valid zlib header.
        Assert.False(data[0] == 0x78 && (data[0] * 256 + data[1]) % 31 == 0, "block data looks like a zlib stream");
        Assert.True(data.Length < 200, $"100 repeated strings compress to {data.Length} bytes");
    }

    [Fact]
    public void EmptyFile_HasAHeaderAndNoBlocks_AndReadsAsNoDatums()
    {
        var file = Write(DatumCorpus.Everything, []);
        Assert.Empty(ReadAll(file));
        Assert.Equal(0, SyncMarkers(file) - 1);
    }

    [Fact]
    public void Blocks_AreWrittenAtTheBlockSize_AndOnFlush()
    {
        var output = new MemoryStream();
        using var writer = new AvroContainerWriter(output, AvroSchema.Bytes, new ContainerWriterOptions { BlockSize = 100, LeaveOpen = true });
        var headerLength = output.Length;
        writer.Append(new byte[60]);
        Assert.Equal(headerLength, output.Length); // 61 bytes buffered, below the block size
        writer.Append(new byte[60]);
        Assert.True(output.Length > headerLength, "the second datum crosses 100 bytes: the block is written");
        var afterBlock = output.Length;
        writer.Flush();
        Assert.Equal(afterBlock, output.Length); // nothing buffered: no empty block
        writer.Append(new byte[1]);
        writer.Flush();
        Assert.Equal(afterBlock + 1 + 1 + 2 + 16, output.Length); // count, size, the datum (length + byte), sync
        writer.Dispose();
        Assert.Equal(3, ReadAll(output.ToArray()).Count);
    }

    [Fact]
    public void AppendOfADatumThatDoesNotFit_KeepsNothingOfIt_AndTheWriterGoesOn()
    {
        var schema = AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":"int"}]}""");
        var good = new GenericRecord((RecordSchema)schema) { ["a"] = "ok", ["b"] = 1 };
        var bad = new GenericRecord((RecordSchema)schema) { ["a"] = "half written", ["b"] = "not an int" };
        var output = new MemoryStream();
        using (var writer = new AvroContainerWriter(output, schema, new ContainerWriterOptions { LeaveOpen = true }))
        {
            writer.Append(good);
            Assert.Equal("b", Assert.Throws<AvroEncodeException>(() => writer.Append(bad)).Path);
            writer.Append(good);
        }
        Assert.Equal([good, good], ReadAll(output.ToArray()));
    }

    [Fact]
    public void ReservedMetadataKeys_AndBadBlockSizes_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => new AvroContainerWriter(new MemoryStream(), AvroSchema.Int,
            new ContainerWriterOptions { Metadata = new Dictionary<string, byte[]> { ["avro.mine"] = [] } }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AvroContainerWriter(new MemoryStream(), AvroSchema.Int, new ContainerWriterOptions { BlockSize = 0 }));
    }

    [Fact]
    public void Dispose_DisposesTheStream_UnlessLeftOpen_AndAppendAfterwardsThrows()
    {
        var output = new MemoryStream();
        var writer = new AvroContainerWriter(output, AvroSchema.Int);
        writer.Append(1);
        writer.Dispose();
        writer.Dispose();
        Assert.False(output.CanWrite);
        Assert.Throws<ObjectDisposedException>(() => writer.Append(2));
    }

    [Fact]
    public void ReaderSchema_ResolvesEveryDatum()
    {
        var v1 = AvroSchema.Parse("""{"type":"record","name":"r.Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"},{"name":"note","type":"string"}]}""");
        var v2 = AvroSchema.Parse("""{"type":"record","name":"r.Order","fields":[{"name":"qty","type":"double"},{"name":"id","type":"string"},{"name":"priority","type":"int","default":3}]}""");
        var datums = Enumerable.Range(0, 10).Select(i => (object?)new GenericRecord((RecordSchema)v1) { ["id"] = $"o{i}", ["qty"] = i, ["note"] = "n" });
        var back = ReadAll(Write(v1, datums, new ContainerWriterOptions { Codec = ContainerCodec.Deflate }), v2).Cast<GenericRecord>().ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), back.Select(r => (double)r["qty"]!));
        Assert.All(back, r => Assert.Equal(3, r["priority"]));
        Assert.Same(v2, back[0].Schema);
    }

    [Fact]
    public void ForwardOnlyStreams_AreRead_WithShortReads()
    {
        var datums = Enumerable.Range(1, 50).Select(seed => (object?)DatumCorpus.EverythingDatum(seed)).ToList();
        var file = Write(DatumCorpus.Everything, datums, new ContainerWriterOptions { Codec = ContainerCodec.Deflate, BlockSize = 2_000 });
        using var reader = new AvroContainerReader(new ForwardOnlyStream(file));
        Assert.Equal(datums, reader.ReadAll().ToList());
    }

    [Fact]
    public void LargeBlocks_OverTheReadBuffer_RoundTrip()
    {
        var big = Enumerable.Range(0, 3).Select(i => (object?)Enumerable.Range(0, 300_000).Select(b => (byte)(b * 7 + i)).ToArray()).ToList();
        foreach (var codec in new[] { ContainerCodec.Null, ContainerCodec.Deflate })
            Assert.Equal(big, ReadAll(Write(AvroSchema.Bytes, big, new ContainerWriterOptions { Codec = codec })));
    }

    /// <summary>How often the file's sync marker occurs: once after the header and once after every block (every file ends with one).</summary>
    private static int SyncMarkers(byte[] file)
    {
        var sync = file[^16..];
        var count = 0;
        for (var i = 0; i + 16 <= file.Length; i++)
            if (file.AsSpan(i, 16).SequenceEqual(sync)) count++;
        return count;
    }

    /// <summary>The data of a file's single block: what lies between the block's size varint and its sync marker.</summary>
    private static byte[] BlockData(byte[] file)
    {
        var sync = file[^16..];
        var headerEnd = file.AsSpan().IndexOf(sync) + 16;
        var reader = new Binary.AvroBinaryReader(file.AsSpan(headerEnd));
        reader.ReadLong();
        var size = (int)reader.ReadLong();
        return file.AsSpan(headerEnd + reader.Position, size).ToArray();
    }
}
