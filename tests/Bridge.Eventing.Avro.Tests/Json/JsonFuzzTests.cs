using System.Text;
using System.Text.Json;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Json;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.Tests.Codec;
using Bridge.Eventing.Avro.Tests.Fuzz;
using Xunit.Abstractions;

namespace Bridge.Eventing.Avro.Tests.Json;

/// <summary>
/// Seeded fuzzing of AvroJsonReader with mutated and random JSON (JsonMutator), in both union
/// modes, through the string and the Utf8JsonReader overloads: each input must give a datum or an
/// AvroJsonException, nothing else, and allocate at most 256 MB. Every datum a tagged read
/// accepts must write back to JSON that reads as the same datum.
/// </summary>
public class JsonFuzzTests(ITestOutputHelper output)
{
    private static readonly AvroSchema LongList = AvroSchema.Parse("""{"type":"record","name":"LongList","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}]}""");
    private static readonly AvroSchema Tree = AvroSchema.Parse("""{"type":"record","name":"Tree","fields":[{"name":"v","type":"int"},{"name":"kids","type":{"type":"array","items":"Tree"}},{"name":"attrs","type":{"type":"map","values":["null","double","string"]}}]}""");

    private static List<byte[]> Seeds(AvroJsonWriter writer, IEnumerable<(AvroSchema Schema, GenericRecord Datum)> datums) =>
        datums.Select(p => Encoding.UTF8.GetBytes(writer.Write(p.Schema, p.Datum))).ToList();

    private static IEnumerable<(AvroSchema, GenericRecord)> Everything() =>
        Enumerable.Range(1, 5).Select(seed => ((AvroSchema)DatumCorpus.Everything, DatumCorpus.EverythingDatum(seed)))
            .Concat(JsonCorpus.All().Where(p => p.Schema == DatumCorpus.Everything));

    private static void ReadBack(AvroJsonReader reader, AvroJsonWriter writer, AvroSchema schema, byte[] input)
    {
        var datum = reader.Read(schema, Encoding.UTF8.GetString(input));
        if (reader.Options.UnionMode == JsonUnionMode.Tagged)
        {
            var again = reader.Read(schema, writer.Write(schema, datum));
            Assert.True(DatumEquality.DatumEquals(datum, again), $"read back differently: {Encoding.UTF8.GetString(input)}");
        }
    }

    private void Fuzz(string name, int iterations, int seed, AvroSchema schema, List<byte[]> seeds, JsonUnionMode mode)
    {
        var options = new AvroJsonOptions { UnionMode = mode };
        var reader = new AvroJsonReader(options);
        var writer = new AvroJsonWriter(options);
        var outcome = FuzzRun.Run(output, name, iterations, seed, random => JsonMutator.Mutate(random, seeds),
            input => ReadBack(reader, writer, schema, input), typeof(AvroJsonException));
        Assert.True(outcome.Decoded > 0 && outcome.RejectedTotal > 0, outcome.ToString());
    }

    [Fact]
    public void Everything_Tagged_MutantsGiveADatumOrAnAvroJsonException() =>
        Fuzz("Everything tagged", 10_000, 41, DatumCorpus.Everything, Seeds(JsonCorpus.Tagged, Everything()), JsonUnionMode.Tagged);

    [Fact]
    public void Everything_Untagged_MutantsGiveADatumOrAnAvroJsonException()
    {
        var seeds = Seeds(JsonCorpus.Untagged, Everything()).Concat(Seeds(JsonCorpus.Tagged, Everything())).ToList();
        Fuzz("Everything untagged", 10_000, 42, DatumCorpus.Everything, seeds, JsonUnionMode.Untagged);
    }

    [Fact]
    public void AllBranches_BothModes_MutantsGiveADatumOrAnAvroJsonException()
    {
        var datums = new[] { ((AvroSchema)JsonCorpus.AllBranches, JsonCorpus.AllBranchesDatum()) };
        var seeds = Seeds(JsonCorpus.Tagged, datums).Concat(Seeds(JsonCorpus.Untagged, datums)).ToList();
        Fuzz("AllBranches tagged", 5_000, 43, JsonCorpus.AllBranches, seeds, JsonUnionMode.Tagged);
        // The corpus datum's untagged JSON does not read back (-7 fits int, long, float and double); this one does.
        seeds.Add("""{"values":[null,true,"text €",[1,2],{"k":"v"},{"int":3},{"bridge.json.Color":"RED"}],"stamp":1767323045006,"amount":"\u00ff\u00fe\u001d\u00c0","ref":null}"""u8.ToArray());
        Fuzz("AllBranches untagged", 5_000, 44, JsonCorpus.AllBranches, seeds, JsonUnionMode.Untagged);
    }

    [Fact]
    public void RecursiveSchemas_MutantsGiveADatumOrAnAvroJsonException()
    {
        List<byte[]> lists = ["""{"value":1,"next":{"LongList":{"value":2,"next":null}}}"""u8.ToArray(), """{"value":-1,"next":null}"""u8.ToArray()];
        List<byte[]> trees =
        [
            """{"v":1,"kids":[{"v":2,"kids":[],"attrs":{}}],"attrs":{"a":null,"b":{"double":1.5},"c":{"string":"x"}}}"""u8.ToArray(),
            """{"v":0,"kids":[],"attrs":{"d":{"double":"NaN"}}}"""u8.ToArray(),
        ];
        Fuzz("LongList", 5_000, 45, LongList, lists, JsonUnionMode.Tagged);
        Fuzz("Tree", 5_000, 46, Tree, trees, JsonUnionMode.Tagged);
        Fuzz("Tree untagged", 3_000, 47, Tree, [.. trees, """{"v":1,"kids":[],"attrs":{"a":1.5,"b":"x","c":null}}"""u8.ToArray()], JsonUnionMode.Untagged);
    }

    [Fact]
    public void Utf8JsonReaderPath_MutantsAndRandomBytesGiveADatumOrAnAvroJsonException()
    {
        var seeds = Seeds(JsonCorpus.Tagged, Everything());
        FuzzRun.Run(output, "Everything via Utf8JsonReader", 5_000, 48, random => JsonMutator.Mutate(random, seeds), input =>
        {
            var reader = new Utf8JsonReader(input, new JsonReaderOptions { MaxDepth = 513 });
            JsonCorpus.TaggedReader.Read(DatumCorpus.Everything, ref reader);
        }, typeof(AvroJsonException));
    }

    [Fact]
    public void RandomJson_GivesADatumOrAnAvroJsonException()
    {
        foreach (var (schema, mode) in new[] { ((AvroSchema)DatumCorpus.Everything, JsonUnionMode.Tagged), (JsonCorpus.AllBranches, JsonUnionMode.Untagged), (Tree, JsonUnionMode.Untagged), (JsonCorpus.Tasks, JsonUnionMode.Tagged) })
        {
            var reader = new AvroJsonReader(new AvroJsonOptions { UnionMode = mode });
            FuzzRun.Run(output, $"random JSON as {((NamedSchema)schema).Name} {mode}", 3_000, 49,
                random => Encoding.UTF8.GetBytes(JsonMutator.RandomValue(random, 4)),
                input => reader.Read(schema, Encoding.UTF8.GetString(input)), typeof(AvroJsonException));
        }
    }
}
