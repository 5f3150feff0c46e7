using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Schemas.Registry;

namespace Bridge.Eventing.Schemas.Store;

/// <summary>
/// The records of the <c>_schemas</c> topic in Confluent Schema Registry's own format (JSON keys and
/// values, so the topic reads the same to tools that know Confluent's):
/// <list type="table">
/// <item><term>SCHEMA</term><description>key <c>{"keytype":"SCHEMA","subject":S,"version":V,"magic":1}</c>,
/// value <c>{"subject":S,"version":V,"id":I,"schema":TEXT,"deleted":false}</c>, or null (permanently deleted)</description></item>
/// <item><term>CONFIG</term><description>key <c>{"keytype":"CONFIG","subject":S or null,"magic":0}</c>,
/// value <c>{"compatibilityLevel":"FULL"}</c>, or null (cleared)</description></item>
/// <item><term>DELETE_SUBJECT</term><description>key <c>{"keytype":"DELETE_SUBJECT","subject":S,"magic":0}</c>,
/// value <c>{"subject":S,"version":LAST}</c></description></item>
/// </list>
/// Decoding is strict about what it keeps and says why it skips the rest: Confluent's other key
/// types (NOOP, MODE, ...), schemas of another type (PROTOBUF, JSON) or with references, and
/// malformed records are skipped, never half-applied.
/// </summary>
public static class StoreRecordCodec
{
    /// <summary>Key and value bytes (UTF-8 JSON) of <paramref name="record"/>; the value is null for a tombstone.</summary>
    public static (byte[] Key, byte[]? Value) Encode(StoreRecord record) => record switch
    {
        SchemaRecord r => (Json(w =>
        {
            w.WriteString("keytype", "SCHEMA");
            w.WriteString("subject", r.Subject);
            w.WriteNumber("version", r.Version);
            w.WriteNumber("magic", 1);
        }), r.Value is not { } v ? null : Json(w =>
        {
            w.WriteString("subject", v.Subject);
            w.WriteNumber("version", v.Version);
            w.WriteNumber("id", v.Id);
            w.WriteString("schema", v.Schema.Text);
            w.WriteBoolean("deleted", v.Deleted);
        })),
        ConfigRecord r => (Json(w =>
        {
            w.WriteString("keytype", "CONFIG");
            if (r.Subject is null) w.WriteNull("subject");
            else w.WriteString("subject", r.Subject);
            w.WriteNumber("magic", 0);
        }), r.Level is not { } level ? null : Json(w => w.WriteString("compatibilityLevel", CompatibilityLevels.ToWireName(level)))),
        DeleteSubjectRecord r => (Json(w =>
        {
            w.WriteString("keytype", "DELETE_SUBJECT");
            w.WriteString("subject", r.Subject);
            w.WriteNumber("magic", 0);
        }), Json(w =>
        {
            w.WriteString("subject", r.Subject);
            w.WriteNumber("version", r.UpToVersion);
        })),
        _ => throw new ArgumentException($"unknown store record {record.GetType().Name}", nameof(record)),
    };

    /// <summary>Decodes one topic record; <paramref name="value"/> null is a tombstone.</summary>
    /// <returns>The record, or null with <paramref name="skipped"/> saying why it is not one this registry applies.</returns>
    public static StoreRecord? Decode(ReadOnlySpan<byte> key, byte[]? value, out string? skipped)
    {
        skipped = null;
        try
        {
            using var keyDocument = JsonDocument.Parse(key.ToArray());
            var k = keyDocument.RootElement;
            if (k.ValueKind != JsonValueKind.Object) return Skip("the key is not a JSON object", out skipped);
            var keyType = k.TryGetProperty("keytype", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            using var valueDocument = value is null ? null : JsonDocument.Parse(value);
            var v = valueDocument?.RootElement;
            if (v is { ValueKind: not JsonValueKind.Object }) return Skip($"the {keyType} value is not a JSON object", out skipped);
            return keyType switch
            {
                "SCHEMA" => DecodeSchema(k, v, out skipped),
                "CONFIG" => DecodeConfig(k, v, out skipped),
                "DELETE_SUBJECT" => DecodeDeleteSubject(k, v, out skipped),
                null => Skip("the key has no keytype", out skipped),
                _ => Skip($"key type {keyType} is not used by this registry", out skipped),
            };
        }
        catch (JsonException e)
        {
            return Skip($"not JSON: {e.Message}", out skipped);
        }
        catch (InvalidOperationException e)
        {
            // GetString on a JSON string holding a lone surrogate escape (\ud800).
            return Skip($"a string is not valid UTF-16: {e.Message}", out skipped);
        }
    }

    private static StoreRecord? DecodeSchema(JsonElement key, JsonElement? value, out string? skipped)
    {
        skipped = null;
        if (String(key, "subject") is not { } subject || Int(key, "version") is not ({ } version and >= 1))
            return Skip("a SCHEMA key needs a subject and a version of at least 1", out skipped);
        if (value is not { } v) return new SchemaRecord(subject, version, null);
        if (String(v, "subject") != subject || Int(v, "version") != version)
            return Skip($"the SCHEMA value for {subject} version {version} names another subject or version", out skipped);
        if (Int(v, "id") is not ({ } id and >= 1) || String(v, "schema") is not { } text)
            return Skip($"the SCHEMA value for {subject} version {version} needs an id of at least 1 and a schema", out skipped);
        if (v.TryGetProperty("schemaType", out var type) && type.ValueKind != JsonValueKind.Null && type.GetString() != "AVRO")
            return Skip($"{subject} version {version} is a {type} schema; this registry keeps Avro only", out skipped);
        if (v.TryGetProperty("references", out var refs) && refs.ValueKind == JsonValueKind.Array && refs.GetArrayLength() > 0)
            return Skip($"{subject} version {version} has schema references, which this registry does not support", out skipped);
        var deleted = v.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True;
        try
        {
            return new SchemaRecord(subject, version, new SubjectVersion(subject, version, new StoredSchema(id, AvroSchema.Parse(text)), deleted));
        }
        catch (AvroSchemaException e)
        {
            return Skip($"{subject} version {version} (id {id}) does not parse: {e.Message}", out skipped);
        }
    }

    private static StoreRecord? DecodeConfig(JsonElement key, JsonElement? value, out string? skipped)
    {
        skipped = null;
        if (!key.TryGetProperty("subject", out var s) || s.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            return Skip("a CONFIG key needs a subject (a string, or null for the global level)", out skipped);
        var subject = s.GetString();
        // A value without a level (Confluent keeps other settings there too) leaves no level set.
        if (value is not { } v || !v.TryGetProperty("compatibilityLevel", out var name) || name.ValueKind == JsonValueKind.Null)
            return new ConfigRecord(subject, null);
        return CompatibilityLevels.TryParse(name.ValueKind == JsonValueKind.String ? name.GetString() : null, out var level)
            ? new ConfigRecord(subject, level)
            : Skip($"CONFIG for {subject ?? "the global level"}: {name} is not a compatibility level", out skipped);
    }

    private static StoreRecord? DecodeDeleteSubject(JsonElement key, JsonElement? value, out string? skipped)
    {
        skipped = null;
        if (String(key, "subject") is not { } subject) return Skip("a DELETE_SUBJECT key needs a subject", out skipped);
        if (value is not { } v) return Skip($"a DELETE_SUBJECT tombstone for {subject} changes nothing", out skipped);
        if (String(v, "subject") != subject || Int(v, "version") is not { } version)
            return Skip($"the DELETE_SUBJECT value for {subject} needs the same subject and a version", out skipped);
        return new DeleteSubjectRecord(subject, version);
    }

    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static int? Int(JsonElement o, string name) =>
        o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var i) ? i : null;

    private static StoreRecord? Skip(string why, out string? skipped)
    {
        skipped = why;
        return null;
    }

    private static byte[] Json(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
