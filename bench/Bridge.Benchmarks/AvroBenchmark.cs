using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Bridge.Eventing.Avro.Codec;
using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Benchmarks;

/// <summary>What <see cref="AvroBenchmark.Run"/> measured.</summary>
/// <param name="Records">Records encoded, and decoded.</param>
/// <param name="EncodeSeconds">Time to encode them all (s).</param>
/// <param name="DecodeSeconds">Time to decode them all (s).</param>
/// <param name="BytesPerRecord">Mean size of one encoded record (bytes, Avro binary body, no framing).</param>
public sealed record AvroResult(int Records, double EncodeSeconds, double DecodeSeconds, double BytesPerRecord)
{
    /// <summary>Records encoded per second.</summary>
    public double EncodeRecordsPerSecond => Records / EncodeSeconds;

    /// <summary>Records decoded per second.</summary>
    public double DecodeRecordsPerSecond => Records / DecodeSeconds;
}

/// <summary>
/// The Avro codec benchmark: a 10-field event record (string id, timestamp-millis, string source,
/// enum kind, double cpus, long mem, int attempt, boolean, nullable string host, map of labels)
/// encoded with <see cref="DatumWriter"/> and decoded with <see cref="DatumReader"/> (writer
/// schema = reader schema), one thread. The records are 1,024 distinct generic records built up
/// front and cycled through (so the run measures the codec, not record construction); each encoding
/// goes into one reused buffer; decoding cycles through their 1,024 encodings. A warm-up of 20,000
/// records each way is not timed; every distinct record is checked to decode back equal.
/// Last line: <c>avro records=N encode_rec_s=X decode_rec_s=Y bytes_per_rec=Z</c>.
/// </summary>
public static class AvroBenchmark
{
    /// <summary>The benchmark's record schema: examples/schemas/task-event.avsc, embedded.</summary>
    public static string SchemaJson { get; } = ReadSchema();

    private static string ReadSchema()
    {
        using var stream = typeof(AvroBenchmark).Assembly.GetManifestResourceStream("task-event.avsc")
            ?? throw new InvalidOperationException("the embedded resource task-event.avsc is missing");
        return new StreamReader(stream).ReadToEnd();
    }

    private const int Distinct = 1024;
    private const int Warmup = 20_000;

    /// <summary>Runs the benchmark, writing context and the result line to <paramref name="output"/>.</summary>
    /// <param name="records">Records to encode and then decode (at least 1).</param>
    /// <param name="output">Where context and the result line go.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="records"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">A record did not decode back equal to what was encoded.</exception>
    public static AvroResult Run(int records, TextWriter output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(records, 1);
        var inv = CultureInfo.InvariantCulture;
        var schema = (RecordSchema)AvroSchema.Parse(SchemaJson);
        var writer = new DatumWriter(schema);
        var reader = new DatumReader(schema);
        var datums = Enumerable.Range(0, Distinct).Select(i => Event(schema, i)).ToArray();
        var encodings = datums.Select(writer.Encode).ToArray();
        for (var i = 0; i < Distinct; i++)
            if (!DatumEquality.DatumEquals(datums[i], reader.Read(encodings[i])))
                throw new InvalidOperationException($"record {i} did not decode back equal: {datums[i]}");
        output.WriteLine(string.Create(inv,
            $"setup: {schema.Fields.Length}-field record {schema.FullName}, {Distinct} distinct records cycled, {Warmup} warm-up each way; {Environment.ProcessorCount} cores, .NET {Environment.Version}"));

        var buffer = new ArrayBufferWriter<byte>(256);
        Encode(writer, datums, buffer, Warmup);
        var clock = Stopwatch.StartNew();
        var totalBytes = Encode(writer, datums, buffer, records);
        var encodeSeconds = clock.Elapsed.TotalSeconds;

        Decode(reader, encodings, Warmup);
        clock.Restart();
        Decode(reader, encodings, records);
        var decodeSeconds = clock.Elapsed.TotalSeconds;

        var result = new AvroResult(records, encodeSeconds, decodeSeconds, (double)totalBytes / records);
        output.WriteLine(string.Create(inv,
            $"encode: {records} records in {encodeSeconds:F2} s; decode: {records} records in {decodeSeconds:F2} s; {totalBytes} bytes encoded"));
        output.WriteLine(string.Create(inv,
            $"avro records={records} encode_rec_s={result.EncodeRecordsPerSecond:F0} decode_rec_s={result.DecodeRecordsPerSecond:F0} bytes_per_rec={result.BytesPerRecord:F1}"));
        return result;
    }

    private static long Encode(DatumWriter writer, GenericRecord[] datums, ArrayBufferWriter<byte> buffer, int count)
    {
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            buffer.ResetWrittenCount();
            writer.Write(datums[i % Distinct], buffer);
            bytes += buffer.WrittenCount;
        }
        return bytes;
    }

    private static void Decode(DatumReader reader, byte[][] encodings, int count)
    {
        for (var i = 0; i < count; i++) reader.Read(encodings[i % Distinct]);
    }

    private static GenericRecord Event(RecordSchema schema, int i)
    {
        var kind = (EnumSchema)schema.GetField("kind")!.Schema;
        return new GenericRecord(schema)
        {
            ["id"] = $"task-{i:D6}-{(i * 2654435761u):x8}",
            ["at"] = new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(i * 137L),
            ["source"] = $"agent-{i % 20}.pool.local",
            ["kind"] = new GenericEnum(kind, kind.Symbols[i % kind.Symbols.Length]),
            ["cpus"] = 0.25 * (1 + i % 8),
            ["memMb"] = 128L << (i % 6),
            ["attempt"] = i % 3,
            ["healthy"] = i % 7 != 0,
            ["host"] = i % 4 == 0 ? null : $"host-{i % 50}",
            ["labels"] = new Dictionary<string, object?> { ["framework"] = "services", ["app"] = $"/web/app-{i % 10}" },
        };
    }
}
