using Bridge.Eventing.Avro.Binary;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Containers;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.SingleObject;
using Bridge.Eventing.Avro.Tests.Codec;
using Bridge.Eventing.Avro.Tests.Interop;
using Xunit.Abstractions;

namespace Bridge.Eventing.Avro.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of every decoder: DatumReader (the Everything schema, recursive and
/// collection-heavy schemas, with and without resolution), AvroContainerReader (null and deflate
/// files, with block-count and block-size mutations) and SingleObjectDecoder. 120,000 inputs in
/// all; with the schema parser's 60,000 (SchemaFuzzTests) the codec sees 180,000. Each input must
/// decode or fail with its decoder's documented exception, and allocate at most 256 MB.
/// </summary>
public class DecoderFuzzTests(ITestOutputHelper output)
{
    // Everything as an older reader sees it: fields reordered and dropped, promotions (int to long,
    // float to double, long to float and double, string to bytes), an enum with other symbols and a
    // default, a field only the reader has, a recursive record with an extra defaulted field.
    private const string EverythingReaderJson = """
    {"type": "record", "name": "Everything", "namespace": "bridge.test", "fields": [
      {"name": "list", "type": ["null", {"type": "record", "name": "Node", "fields": [
          {"name": "value", "type": "long"}, {"name": "next", "type": ["null", "Node"]}, {"name": "tag", "type": "string", "default": "t"}]}]},
      {"name": "i", "type": "long"},
      {"name": "f", "type": "double"},
      {"name": "l", "type": "float"},
      {"name": "text", "type": "bytes"},
      {"name": "suit", "type": {"type": "enum", "name": "Suit", "symbols": ["CLUBS", "HEARTS", "SPADES"], "default": "HEARTS"}},
      {"name": "tags", "type": {"type": "array", "items": "bytes"}},
      {"name": "counts", "type": {"type": "map", "values": "double"}},
      {"name": "maybe", "type": ["null", "string", "Suit"]},
      {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
      {"name": "day", "type": {"type": "int", "logicalType": "date"}},
      {"name": "tsus", "type": {"type": "long", "logicalType": "timestamp-micros"}},
      {"name": "span", "type": {"type": "fixed", "name": "Span", "size": 12, "logicalType": "duration"}},
      {"name": "fresh", "type": {"type": "array", "items": "int"}, "default": [1, 2]}
    ]}
    """;

    private const string LongListJson = """{"type":"record","name":"LongList","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}]}""";
    private const string LongListReaderJson = """{"type":"record","name":"LongList","fields":[{"name":"next","type":["null","LongList"]},{"name":"value","type":"double"},{"name":"n","type":"int","default":0}]}""";
    private const string TreeJson = """{"type":"record","name":"Tree","fields":[{"name":"v","type":"int"},{"name":"kids","type":{"type":"array","items":"Tree"}},{"name":"attrs","type":{"type":"map","values":["null","double","string"]}}]}""";
    private const string TreeReaderJson = """{"type":"record","name":"Tree","fields":[{"name":"kids","type":{"type":"array","items":"Tree"}},{"name":"v","type":"long"},{"name":"attrs","type":{"type":"map","values":["string","null","double"]}}]}""";

    private static readonly AvroSchema LongList = AvroSchema.Parse(LongListJson);
    private static readonly AvroSchema Tree = AvroSchema.Parse(TreeJson);

    private static List<byte[]> EverythingSeeds()
    {
        var writer = new DatumWriter(DatumCorpus.Everything);
        return [.. Enumerable.Range(1, 10).Select(seed => writer.Encode(DatumCorpus.EverythingDatum(seed))), .. InteropDatums.Everything().Select(writer.Encode)];
    }

    private static GenericRecord List(int length)
    {
        GenericRecord? next = null;
        for (var i = length; i > 0; i--) next = new GenericRecord((RecordSchema)LongList) { ["value"] = (long)i * 1_000_003, ["next"] = next };
        return next!;
    }

    private static GenericRecord TreeOf(int depth, int fanout) => new((RecordSchema)Tree)
    {
        ["v"] = depth * 17 - 30,
        ["kids"] = depth == 0 ? new List<object?>() : Enumerable.Range(0, fanout).Select(_ => (object?)TreeOf(depth - 1, fanout)).ToList(),
        ["attrs"] = new Dictionary<string, object?> { ["a"] = null, ["b"] = 2.5, ["c"] = $"depth {depth}" },
    };

    private static List<byte[]> RecursiveSeeds(AvroSchema schema) => schema == LongList
        ? [.. new[] { 1, 2, 10, 100 }.Select(n => new DatumWriter(LongList).Encode(List(n)))]
        : [.. new[] { (0, 0), (1, 3), (3, 2), (6, 1) }.Select(t => new DatumWriter(Tree).Encode(TreeOf(t.Item1, t.Item2)))];

    [Fact]
    public void DatumReader_Everything_WithAndWithoutResolution()
    {
        var seeds = EverythingSeeds();
        var plain = new DatumReader(DatumCorpus.Everything);
        var resolved = new DatumReader(DatumCorpus.Everything, AvroSchema.Parse(EverythingReaderJson));
        var a = FuzzRun.Run(output, "DatumReader Everything", 30_000, 61_001, r => Mutator.Mutate(r, seeds), input => plain.Read(input), typeof(AvroDecodeException));
        var b = FuzzRun.Run(output, "DatumReader Everything -> reader schema", 20_000, 61_002, r => Mutator.Mutate(r, seeds), input => resolved.Read(input), typeof(AvroDecodeException));
        foreach (var outcome in new[] { a, b })
        {
            Assert.True(outcome.Decoded > 500, $"only {outcome.Decoded} mutants decoded: the mutations never reach the later fields");
            Assert.True(outcome.RejectedTotal > outcome.Decoded, "most mutants should be rejected");
        }
    }

    [Fact]
    public void DatumReader_RecursiveAndCollections_WithAndWithoutResolution()
    {
        var listSeeds = RecursiveSeeds(LongList);
        var treeSeeds = RecursiveSeeds(Tree);
        var lists = new[] { new DatumReader(LongList), new DatumReader(LongList, AvroSchema.Parse(LongListReaderJson)) };
        var trees = new[] { new DatumReader(Tree), new DatumReader(Tree, AvroSchema.Parse(TreeReaderJson)) };
        var outcomes = new[]
        {
            FuzzRun.Run(output, "DatumReader LongList (+ resolved)", 10_000, 61_003, r => Mutator.Mutate(r, listSeeds),
                input => { lists[0].Read(input); lists[1].Read(input); }, typeof(AvroDecodeException)),
            FuzzRun.Run(output, "DatumReader Tree (+ resolved)", 10_000, 61_004, r => Mutator.Mutate(r, treeSeeds),
                input => { trees[0].Read(input); trees[1].Read(input); }, typeof(AvroDecodeException)),
        };
        Assert.All(outcomes, o => Assert.True(o.Decoded > 100 && o.RejectedTotal > 1_000, o.ToString()));
    }

    /// <summary>A container file and the offsets of its blocks' count varints, for block-count and block-size mutations.</summary>
    private sealed record ContainerSeed(byte[] File, int[] Blocks);

    private static ContainerSeed ContainerOf(AvroSchema schema, IEnumerable<object?> datums, ContainerCodec codec, int blockSize)
    {
        var stream = new MemoryStream();
        var blocks = new List<int>();
        using (var writer = new AvroContainerWriter(stream, schema, new ContainerWriterOptions { Codec = codec, BlockSize = blockSize, LeaveOpen = true }))
        {
            foreach (var datum in datums)
            {
                var before = (int)stream.Length;
                writer.Append(datum);
                if (stream.Length > before) blocks.Add(before);
            }
            blocks.Add((int)stream.Length);
        }
        // The last offset is a block only if datums were pending at Dispose.
        return new ContainerSeed(stream.ToArray(), [.. blocks.Where(b => b < stream.Length)]);
    }

    /// <summary>A block's count (or, one varint on, its size) set to an interesting value, then maybe further byte mutations.</summary>
    private static byte[] MutateContainer(Random random, IReadOnlyList<ContainerSeed> seeds, IReadOnlyList<byte[]> files)
    {
        if (random.Next(3) != 0) return Mutator.Mutate(random, files);
        var seed = seeds[random.Next(seeds.Count)];
        var data = seed.File;
        var at = seed.Blocks[random.Next(seed.Blocks.Length)];
        if (random.Next(2) == 0) at += Mutator.VarintLength(data, at); // the size instead of the count
        var value = random.Next(2) == 0 ? Mutator.RandomInteresting(random) : new AvroBinaryReader(data.AsSpan(at)).ReadLong() + random.Next(-2, 3);
        byte[] mutated = [.. data.AsSpan(0, at), .. Mutator.Varint(value), .. data.AsSpan(at + Mutator.VarintLength(data, at))];
        return random.Next(2) == 0 ? mutated : Mutator.Mutate(random, [mutated]);
    }

    [Fact]
    public void ContainerReader_NullAndDeflate_WithBlockMutations()
    {
        var everything = Enumerable.Range(1, 12).Select(seed => (object?)DatumCorpus.EverythingDatum(seed)).ToList();
        var seeds = new List<ContainerSeed>
        {
            ContainerOf(DatumCorpus.Everything, everything, ContainerCodec.Null, 1_500),
            ContainerOf(DatumCorpus.Everything, everything, ContainerCodec.Deflate, 1_500),
            ContainerOf(LongList, [List(3), List(1), List(40)], ContainerCodec.Null, 100),
            ContainerOf(LongList, [List(3), List(1), List(40)], ContainerCodec.Deflate, 100),
            ContainerOf(Tree, [TreeOf(2, 2), TreeOf(0, 0)], ContainerCodec.Deflate, 1),
            ContainerOf(AvroSchema.Null, Enumerable.Repeat((object?)null, 50), ContainerCodec.Null, 1),
        };
        var files = seeds.Select(s => s.File).ToList();
        var readerSchema = AvroSchema.Parse(EverythingReaderJson);
        // Zero-byte datums (the null schema) are bounded by MaxBlockCount: keep it small so a mutated count costs little time.
        var limits = new ContainerReaderLimits { MaxBlockCount = 100_000 };
        var outcome = FuzzRun.Run(output, "AvroContainerReader", 30_000, 61_005, r => MutateContainer(r, seeds, files), input =>
        {
            using var reader = new AvroContainerReader(new MemoryStream(input), limits: limits);
            // Files of the Everything schema are read as the reader schema too, half the time.
            if (reader.WriterSchema.ToCanonicalForm() == DatumCorpus.Everything.ToCanonicalForm() && input.Length % 2 == 0)
            {
                using var resolved = new AvroContainerReader(new MemoryStream(input), readerSchema, limits);
                foreach (var _ in resolved.ReadAll()) { }
            }
            else
            {
                foreach (var _ in reader.ReadAll()) { }
            }
        }, typeof(AvroContainerException), typeof(AvroResolutionException));
        Assert.True(outcome.Decoded > 300 && outcome.Rejected[nameof(AvroContainerException)] > 5_000, outcome.ToString());
    }

    [Fact]
    public void SingleObjectDecoder_WithAndWithoutResolution()
    {
        var v1 = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"r.Order","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"},{"name":"note","type":"string"}]}""");
        var v2 = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"r.Order","fields":[{"name":"qty","type":"long"},{"name":"id","type":"string"},{"name":"priority","type":"int","default":3}]}""");
        var seeds = new List<byte[]>();
        var everything = new SingleObjectEncoder(DatumCorpus.Everything);
        seeds.AddRange(Enumerable.Range(1, 5).Select(seed => everything.Encode(DatumCorpus.EverythingDatum(seed))));
        seeds.AddRange(new[] { 1, 5, 30 }.Select(n => new SingleObjectEncoder(LongList).Encode(List(n))));
        seeds.AddRange(Enumerable.Range(0, 4).Select(i => new SingleObjectEncoder(v1).Encode(new GenericRecord(v1) { ["id"] = $"o{i}", ["qty"] = i, ["note"] = "" })));
        seeds.AddRange(Enumerable.Range(0, 4).Select(i => new SingleObjectEncoder(v2).Encode(new GenericRecord(v2) { ["id"] = $"o{i}", ["qty"] = (long)i, ["priority"] = i })));
        var own = new SingleObjectDecoder(new WriterSchemaStore(DatumCorpus.Everything, LongList, v1, v2));
        var asV2 = new SingleObjectDecoder(new WriterSchemaStore(v1, v2), v2);
        var outcome = FuzzRun.Run(output, "SingleObjectDecoder", 20_000, 61_006, r => Mutator.Mutate(r, seeds), input =>
        {
            // Orders are decoded as v2 too; the rest has no reader there (an unknown fingerprint).
            own.Decode(input);
            if (input.Length % 2 == 0)
            {
                try
                {
                    asV2.Decode(input);
                }
                catch (UnknownWriterSchemaException)
                {
                }
            }
        }, typeof(AvroFramingException), typeof(UnknownWriterSchemaException), typeof(AvroDecodeException));
        Assert.True(outcome.Decoded > 300 && outcome.Rejected[nameof(UnknownWriterSchemaException)] > 500 && outcome.Rejected[nameof(AvroDecodeException)] > 2_000, outcome.ToString());
    }
}
