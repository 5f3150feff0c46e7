using System.Text;
using System.Text.Json.Nodes;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Containers;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Avro.SingleObject;
using Bridge.Eventing.Avro.Tests.Codec;
using Bridge.Eventing.Avro.Tests.Schemas;
using Xunit.Abstractions;

namespace Bridge.Eventing.Avro.Tests.Interop;

/// <summary>
/// Datums, single-object messages and container files exchanged with Debian's python3-avro 1.11.1
/// (tests/interop/avro/datum_peer.py) in both directions, for the DatumCorpus Everything schema
/// (every type and logical type) and datums at the edges of each type. Python checks every field
/// of what it reads against the values it is told to expect (typed JSON, converted with python's
/// own date, time and decimal arithmetic) and re-encodes what it read; we check what python writes
/// against the original datums, and that python's encoder and ours write the same bytes.
/// </summary>
[Trait("Category", "Interop")]
public class DatumInteropTests(ITestOutputHelper output)
{
    private static readonly RecordSchema Everything = DatumCorpus.Everything;

    private static JsonArray Typed(AvroSchema schema, IEnumerable<object?> datums) => new(datums.Select(d => TypedJson.Of(schema, d)).ToArray());

    private static JsonArray Hex(IEnumerable<byte[]> messages) => new(messages.Select(m => (JsonNode)Convert.ToHexString(m)).ToArray());

    [Fact]
    public async Task BinaryDatums_WrittenByUs_AreReadByPython_FieldByField_AndReencodedToTheSameBytes()
    {
        var datums = InteropDatums.Everything();
        var ours = datums.Select(d => new DatumWriter(Everything).Encode(d)).ToList();
        var answer = await DatumPeer.RunAsync(new JsonObject
        {
            ["op"] = "read-binary", ["schema"] = Everything.ToJson(), ["messages"] = Hex(ours), ["expected"] = Typed(Everything, datums),
        });
        Assert.Empty(DatumPeer.Mismatches(answer));
        Assert.Equal(ours, DatumPeer.HexList(answer, "reencoded"));
    }

    [Fact]
    public async Task PythonsCheck_IsNotVacuous_ADifferentDayOrFloatBitIsAMismatch()
    {
        var datum = DatumCorpus.EverythingDatum(1);
        var altered = DatumCorpus.EverythingDatum(1);
        altered["day"] = ((DateOnly)altered["day"]!).AddDays(1);
        altered["f"] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits((float)altered["f"]!) + 1);
        var answer = await DatumPeer.RunAsync(new JsonObject
        {
            ["op"] = "read-binary", ["schema"] = Everything.ToJson(), ["messages"] = Hex([new DatumWriter(Everything).Encode(datum)]),
            ["expected"] = Typed(Everything, [altered]),
        });
        var mismatches = DatumPeer.Mismatches(answer);
        Assert.Equal(2, mismatches.Count);
        Assert.Contains(mismatches, m => m.StartsWith("[0].day:"));
        Assert.Contains(mismatches, m => m.StartsWith("[0].f:"));
    }

    [Fact]
    public async Task BinaryDatums_WrittenByPython_AreReadByUs_AsTheOriginals_AndAreOurBytes()
    {
        var datums = InteropDatums.Everything();
        var answer = await DatumPeer.RunAsync(new JsonObject
        {
            ["op"] = "write-binary", ["schema"] = Everything.ToJson(), ["datums"] = Typed(Everything, datums),
        });
        var theirs = DatumPeer.HexList(answer, "messages");
        var reader = new DatumReader(Everything);
        for (var i = 0; i < datums.Count; i++)
        {
            Assert.Equal(datums[i], reader.Read(theirs[i]));
            Assert.Equal(new DatumWriter(Everything).Encode(datums[i]), theirs[i]);
        }
    }

    [Fact]
    public async Task Decimals_PythonWritesNegativePowersOfTwoOneByteLonger_AndWeReadThem()
    {
        var schema = AvroSchema.Parse("""{"type":"bytes","logicalType":"decimal","precision":10,"scale":0}""");
        List<object?> values = [new AvroDecimal(-128, 0), new AvroDecimal(-32768, 0), new AvroDecimal(-129, 0)];
        var answer = await DatumPeer.RunAsync(new JsonObject { ["op"] = "write-binary", ["schema"] = schema.ToJson(), ["datums"] = Typed(schema, values) });
        var theirs = DatumPeer.HexList(answer, "messages");
        // Two's complement needs one byte for -128 and two for -32768; python writes FF 80 and FF 80 00 (valid, not minimal).
        Assert.Equal(["04FF80", "06FF8000", "04FF7F"], theirs.Select(Convert.ToHexString));
        Assert.Equal(["0280", "048000", "04FF7F"], values.Select(v => Convert.ToHexString(new DatumWriter(schema).Encode(v))));
        Assert.Equal(values, theirs.Select(m => new DatumReader(schema).Read(m)));
    }

    /// <summary>Java's CRC-64-AVRO of the Everything schema (python3-avro 1.11.1 has no fingerprint function), checked equal to ours.</summary>
    private static async Task<string> JavaFingerprintAsync(AvroSchema schema)
    {
        var java = (await SchemaPeers.JavaAsync([schema.ToJson()]))[0];
        Assert.True(java.Ok, java.Error);
        Assert.Equal(schema.Fingerprint64().ToString("x16"), java.Fingerprint);
        return java.Fingerprint!;
    }

    [Fact]
    public async Task SingleObjectMessages_WrittenByUs_AreReadByPython_WithAHandCheckedHeader()
    {
        var fingerprint = await JavaFingerprintAsync(Everything);
        var datums = InteropDatums.Everything();
        var encoder = new SingleObjectEncoder(Everything);
        var ours = datums.Select(encoder.Encode).ToList();
        var answer = await DatumPeer.RunAsync(new JsonObject
        {
            ["op"] = "read-single", ["schema"] = Everything.ToJson(), ["fingerprint"] = fingerprint,
            ["messages"] = Hex(ours), ["expected"] = Typed(Everything, datums),
        });
        Assert.Empty(DatumPeer.Mismatches(answer));
        Assert.Equal(ours, DatumPeer.HexList(answer, "reencoded"));
    }

    [Fact]
    public async Task SingleObjectMessages_WrittenByPython_AreDecodedByUs()
    {
        var fingerprint = await JavaFingerprintAsync(Everything);
        var datums = InteropDatums.Everything();
        var answer = await DatumPeer.RunAsync(new JsonObject
        {
            ["op"] = "write-single", ["schema"] = Everything.ToJson(), ["fingerprint"] = fingerprint, ["datums"] = Typed(Everything, datums),
        });
        var decoder = new SingleObjectDecoder(new WriterSchemaStore(Everything));
        var theirs = DatumPeer.HexList(answer, "messages");
        for (var i = 0; i < datums.Count; i++)
        {
            Assert.Equal(datums[i], decoder.Decode(theirs[i]));
            Assert.Equal(SingleObjectFraming.HeaderLength + new DatumWriter(Everything).Encode(datums[i]).Length, theirs[i].Length);
        }
    }

    /// <summary>Many datums: the corpus's 1-300 and the edge datums, so files hold several blocks.</summary>
    private static List<GenericRecord> ManyDatums() =>
        [.. Enumerable.Range(1, 300).Select(DatumCorpus.EverythingDatum), .. InteropDatums.Everything()];

    [Theory]
    [InlineData(ContainerCodec.Null)]
    [InlineData(ContainerCodec.Deflate)]
    public async Task ContainerFiles_WrittenByUs_AreReadByPython(ContainerCodec codec)
    {
        var datums = ManyDatums();
        var path = Path.Combine(Path.GetTempPath(), $"bridge-avro-{Guid.NewGuid():N}.avro");
        try
        {
            var options = new ContainerWriterOptions
            {
                Codec = codec, BlockSize = 8_000, Metadata = new Dictionary<string, byte[]> { ["bridge.note"] = "héllo"u8.ToArray() },
            };
            using (var writer = new AvroContainerWriter(File.Create(path), Everything, options))
                foreach (var datum in datums) writer.Append(datum);
            var answer = await DatumPeer.RunAsync(new JsonObject
            {
                ["op"] = "read-container", ["schema"] = Everything.ToJson(), ["path"] = path, ["expected"] = Typed(Everything, datums),
            });
            Assert.Empty(DatumPeer.Mismatches(answer));
            Assert.Equal(ContainerCodecNames.NameOf(codec), answer.GetProperty("codec").GetString());
            Assert.Equal(Convert.ToHexString("héllo"u8), answer.GetProperty("metadata").GetProperty("bridge.note").GetString(), ignoreCase: true);
            output.WriteLine($"{codec}: {datums.Count} datums in {new FileInfo(path).Length} bytes, read by python3-avro");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(ContainerCodec.Null)]
    [InlineData(ContainerCodec.Deflate)]
    public async Task ContainerFiles_WrittenByPython_AreReadByUs(ContainerCodec codec)
    {
        var datums = ManyDatums();
        var path = Path.Combine(Path.GetTempPath(), $"bridge-avro-{Guid.NewGuid():N}.avro");
        try
        {
            await DatumPeer.RunAsync(new JsonObject
            {
                ["op"] = "write-container", ["schema"] = Everything.ToJson(), ["path"] = path, ["codec"] = ContainerCodecNames.NameOf(codec),
                ["metadata"] = new JsonObject { ["python.note"] = "0001ff" }, ["datums"] = Typed(Everything, datums),
            });
            using var reader = new AvroContainerReader(File.OpenRead(path));
            Assert.Equal(codec, reader.Codec);
            Assert.Equal(Everything.ToCanonicalForm(), reader.WriterSchema.ToCanonicalForm());
            Assert.Equal([0x00, 0x01, 0xFF], reader.Metadata["python.note"]);
            Assert.Equal(datums.Cast<object?>(), reader.ReadAll());
            output.WriteLine($"{codec}: {datums.Count} datums in {new FileInfo(path).Length} bytes, written by python3-avro");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ContainerFile_WrittenByPythonWithBzip2_IsRefusedByName()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bridge-avro-{Guid.NewGuid():N}.avro");
        try
        {
            await DatumPeer.RunAsync(new JsonObject
            {
                ["op"] = "write-container", ["schema"] = Everything.ToJson(), ["path"] = path, ["codec"] = "bzip2",
                ["datums"] = Typed(Everything, [DatumCorpus.EverythingDatum(1)]),
            });
            var error = Assert.Throws<AvroContainerException>(() => new AvroContainerReader(File.OpenRead(path)).Dispose());
            Assert.Contains("codec 'bzip2' is optional in the specification and not supported here", error.Detail);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Resolution: v2 reorders the fields, adds one with a default, drops "note", and promotes
    // int to long, float to double, and an array of int to an array of long.
    private const string V1 = """
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"id","type":"string"},{"name":"qty","type":"int"},{"name":"ratio","type":"float"},
          {"name":"note","type":"string"},{"name":"sizes","type":{"type":"array","items":"int"}},
          {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}]}
        """;

    private const string V2 = """
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"qty","type":"long"},{"name":"id","type":"string"},{"name":"priority","type":"int","default":3},
          {"name":"ratio","type":"double"},{"name":"sizes","type":{"type":"array","items":"long"}},
          {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}]}
        """;

    /// <summary>
    /// V2 for python3-avro as reader: its ArraySchema.match (and MapSchema's) requires the writer's
    /// and reader's item types to be the same type, so it cannot promote inside an array as the
    /// specification allows ("both schemas are arrays: this resolution algorithm is applied
    /// recursively to the reader's and writer's array item schemas"). Same as V2 but for that.
    /// </summary>
    private static readonly string V2ForPython = V2.Replace("""{"type":"array","items":"long"}""", """{"type":"array","items":"int"}""");

    private static readonly RecordSchema SchemaV1 = (RecordSchema)AvroSchema.Parse(V1);
    private static readonly RecordSchema SchemaV2 = (RecordSchema)AvroSchema.Parse(V2);
    private static readonly RecordSchema SchemaV2ForPython = (RecordSchema)AvroSchema.Parse(V2ForPython);

    private static List<GenericRecord> OrdersV1() => Enumerable.Range(0, 5).Select(i => new GenericRecord(SchemaV1)
    {
        ["id"] = $"o-{i}", ["qty"] = i * 1000 - 2000, ["ratio"] = 0.1f * i, ["note"] = $"note {i}",
        ["sizes"] = Enumerable.Range(0, i).Select(s => (object?)(s - 1)).ToList(),
        ["at"] = new DateTime(2026, 1, 1, 0, 0, i, 5, DateTimeKind.Utc),
    }).ToList();

    /// <summary>What each v1 order is as v2, worked out by hand from the rules (not by our resolver).</summary>
    private static GenericRecord AsV2(GenericRecord v1) => new(SchemaV2)
    {
        ["qty"] = (long)(int)v1["qty"]!, ["id"] = v1["id"], ["priority"] = 3, ["ratio"] = (double)(float)v1["ratio"]!,
        ["sizes"] = ((List<object?>)v1["sizes"]!).Select(s => (object?)(long)(int)s!).ToList(), ["at"] = v1["at"],
    };

    private static GenericRecord AsV2ForPython(GenericRecord v1) => new(SchemaV2ForPython)
    {
        ["qty"] = (long)(int)v1["qty"]!, ["id"] = v1["id"], ["priority"] = 3, ["ratio"] = (double)(float)v1["ratio"]!,
        ["sizes"] = v1["sizes"], ["at"] = v1["at"],
    };

    [Fact]
    public async Task Resolution_PythonWritesV1_WeReadV2()
    {
        var orders = OrdersV1();
        var answer = await DatumPeer.RunAsync(new JsonObject { ["op"] = "write-binary", ["schema"] = V1, ["datums"] = Typed(SchemaV1, orders) });
        var reader = new DatumReader(SchemaV1, SchemaV2);
        Assert.Equal(orders.Select(AsV2), DatumPeer.HexList(answer, "messages").Select(m => (GenericRecord)reader.Read(m)!));
    }

    [Fact]
    public async Task Resolution_PythonCannotPromoteInsideAnArray_ADepartureFromTheSpecification()
    {
        var orders = OrdersV1();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DatumPeer.RunAsync(new JsonObject
        {
            ["op"] = "read-binary", ["schema"] = V1, ["reader"] = V2,
            ["messages"] = Hex(orders.Select(o => new DatumWriter(SchemaV1).Encode(o))), ["expected"] = Typed(SchemaV2, orders.Select(AsV2)),
        }));
        Assert.Contains("SchemaResolutionException", error.Message);
    }

    [Fact]
    public async Task Resolution_WeWriteV1_PythonReadsV2()
    {
        var orders = OrdersV1();
        var answer = await DatumPeer.RunAsync(new JsonObject
        {
            ["op"] = "read-binary", ["schema"] = V1, ["reader"] = V2ForPython,
            ["messages"] = Hex(orders.Select(o => new DatumWriter(SchemaV1).Encode(o))), ["expected"] = Typed(SchemaV2ForPython, orders.Select(AsV2ForPython)),
        });
        Assert.Empty(DatumPeer.Mismatches(answer));
    }

    [Fact]
    public async Task Resolution_PythonWritesAV1ContainerFile_WeReadItAsV2()
    {
        var orders = OrdersV1();
        var path = Path.Combine(Path.GetTempPath(), $"bridge-avro-{Guid.NewGuid():N}.avro");
        try
        {
            await DatumPeer.RunAsync(new JsonObject { ["op"] = "write-container", ["schema"] = V1, ["path"] = path, ["codec"] = "deflate", ["datums"] = Typed(SchemaV1, orders) });
            using var reader = new AvroContainerReader(File.OpenRead(path), SchemaV2);
            Assert.Equal(orders.Select(AsV2).Cast<object?>(), reader.ReadAll());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Resolution_WeWriteAV1ContainerFile_PythonReadsItAsV2()
    {
        var orders = OrdersV1();
        var path = Path.Combine(Path.GetTempPath(), $"bridge-avro-{Guid.NewGuid():N}.avro");
        try
        {
            using (var writer = new AvroContainerWriter(File.Create(path), SchemaV1, new ContainerWriterOptions { Codec = ContainerCodec.Deflate }))
                foreach (var order in orders) writer.Append(order);
            var answer = await DatumPeer.RunAsync(new JsonObject
            {
                ["op"] = "read-container", ["schema"] = V1, ["reader"] = V2ForPython, ["path"] = path,
                ["expected"] = Typed(SchemaV2ForPython, orders.Select(AsV2ForPython)),
            });
            Assert.Empty(DatumPeer.Mismatches(answer));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
