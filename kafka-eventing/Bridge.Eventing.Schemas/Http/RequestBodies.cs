using System.Text.Json;
using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Schemas.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Bridge.Eventing.Schemas.Http;

/// <summary>
/// Reading request bodies as Confluent's registry takes them: a content type among
/// <see cref="AcceptedContentTypes"/> (or none), at most a configured number of bytes, one JSON
/// object; then the two shapes the API has, a schema request <c>{"schema": "...", "schemaType":
/// "AVRO", "references": []}</c> and a config request <c>{"compatibility": "FULL"}</c>. Every
/// refusal is an <see cref="ApiResponse"/> that says precisely what is wrong; nothing throws.
/// </summary>
internal static class RequestBodies
{
    /// <summary>Request content types accepted (parameters such as <c>charset</c> are ignored; the body is read as UTF-8).</summary>
    public static readonly string[] AcceptedContentTypes =
        ["application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json", "application/json", "application/octet-stream"];

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>
    /// Reads the body as one JSON object. 415 for another content type, 413 past
    /// <paramref name="maxBytes"/> (by Content-Length, or while reading), 400 for bytes that are not
    /// JSON (with line and byte position), 422 for JSON that is not an object.
    /// </summary>
    /// <returns>The document (the caller disposes it), or the refusal.</returns>
    public static async Task<(JsonDocument? Body, ApiResponse? Refusal)> ReadObjectAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentType is { } contentType)
        {
            if (!MediaTypeHeaderValue.TryParse(contentType, out var media) ||
                !AcceptedContentTypes.Contains(media.MediaType.Value, StringComparer.OrdinalIgnoreCase))
                return (null, ApiResponse.Error(StatusCodes.Status415UnsupportedMediaType, 415,
                    $"Content-Type '{contentType}' is not supported; send one of {string.Join(", ", AcceptedContentTypes)}"));
        }
        if (request.ContentLength > maxBytes) return (null, TooLarge(request.ContentLength.Value, maxBytes));
        // Sized by Content-Length when given (at least 1 byte, so it can grow), else 16 KiB, doubling up to the limit + 1.
        var buffer = new byte[Math.Clamp(request.ContentLength ?? 16 * 1024, 1, maxBytes + 1L)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes) return (null, TooLarge(null, maxBytes));
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, maxBytes + 1L));
            }
            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0) break;
            length += read;
        }
        if (length > maxBytes) return (null, TooLarge(null, maxBytes));
        if (length == 0) return (null, Unprocessable("the request has no body; it must be a JSON object"));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.AsMemory(0, length), JsonOptions);
        }
        catch (JsonException e)
        {
            return (null, ApiResponse.Error(StatusCodes.Status400BadRequest, 400,
                $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}"));
        }
        catch (InvalidOperationException)
        {
            // The duplicate-member check unescapes member names, and a lone surrogate escape does not unescape.
            return (null, ApiResponse.Error(StatusCodes.Status400BadRequest, 400,
                "The request body is not valid JSON text: a member name holds an unpaired surrogate escape (such as \\ud800)"));
        }
        if (UnpairedSurrogate(document.RootElement) is { } where)
        {
            document.Dispose();
            return (null, ApiResponse.Error(StatusCodes.Status400BadRequest, 400,
                $"The request body is not valid JSON text: {where} holds an unpaired surrogate escape (such as \\ud800)"));
        }
        if (document.RootElement.ValueKind == JsonValueKind.Object) return (document, null);
        var kind = document.RootElement.ValueKind.ToString().ToLowerInvariant();
        document.Dispose();
        return (null, Unprocessable($"the request body must be a JSON object, not {kind}"));
    }

    /// <summary>
    /// Where a string or member name of <paramref name="element"/> is not UTF-16 text (an escaped lone
    /// surrogate, which JSON's grammar lets through and System.Text.Json refuses to unescape), or null.
    /// Checked once here so the readers below never meet one.
    /// </summary>
    private static string? UnpairedSurrogate(JsonElement element, string path = "$")
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                        if (UnpairedSurrogate(item, $"{path}[{i++}]") is { } inner) return inner;
                    break;
                case JsonValueKind.Object:
                    foreach (var member in element.EnumerateObject())
                    {
                        string name;
                        try
                        {
                            name = member.Name;
                        }
                        catch (InvalidOperationException)
                        {
                            return $"a member name in {path}";
                        }
                        if (UnpairedSurrogate(member.Value, $"{path}.{name}") is { } inner) return inner;
                    }
                    break;
            }
            return null;
        }
        catch (InvalidOperationException)
        {
            return path;
        }
    }

    /// <summary>
    /// The Avro schema of a schema request. <c>schema</c> must be a string holding a valid Avro
    /// schema; <c>schemaType</c>, if given, <c>AVRO</c>; <c>references</c>, if given, empty. Other
    /// members (<c>metadata</c>, <c>ruleSet</c>, ...) are ignored, as Confluent's registry ignores
    /// what it does not know.
    /// </summary>
    /// <returns>The parsed schema, or 42201 naming the member, or the parser's JSONPath and detail.</returns>
    public static RegistryResult<AvroSchema> Schema(JsonElement body)
    {
        if (body.TryGetProperty("schemaType", out var type) && type.ValueKind != JsonValueKind.Null)
        {
            if (type.ValueKind != JsonValueKind.String) return InvalidSchema($"\"schemaType\" must be a string, not {Kind(type)}");
            if (type.GetString() != "AVRO")
                return InvalidSchema($"schemaType {type.GetString()} is not supported: this registry keeps AVRO schemas only");
        }
        if (body.TryGetProperty("references", out var references) && references.ValueKind != JsonValueKind.Null)
        {
            if (references.ValueKind != JsonValueKind.Array) return InvalidSchema($"\"references\" must be an array, not {Kind(references)}");
            if (references.GetArrayLength() > 0)
                return InvalidSchema("schema references are not supported: register a self-contained schema (named types defined inline)");
        }
        if (!body.TryGetProperty("schema", out var schema) || schema.ValueKind == JsonValueKind.Null)
            return InvalidSchema("the request has no \"schema\"; send {\"schema\": \"<Avro schema as a JSON string>\"}");
        if (schema.ValueKind != JsonValueKind.String)
            return InvalidSchema($"\"schema\" must be a string holding the schema's JSON, not {Kind(schema)}");
        try
        {
            return AvroSchema.Parse(schema.GetString()!);
        }
        catch (AvroSchemaException e)
        {
            return InvalidSchema(e.Message);
        }
    }

    /// <summary>The level of a config request, <c>{"compatibility": "FULL"}</c> (case of the name ignored).</summary>
    /// <returns>The level, or 42203 naming what was given.</returns>
    public static RegistryResult<CompatibilityLevel> Level(JsonElement body)
    {
        if (!body.TryGetProperty("compatibility", out var name) || name.ValueKind == JsonValueKind.Null)
            return RegistryErrors.InvalidCompatibilityLevel(null);
        if (name.ValueKind != JsonValueKind.String) return RegistryErrors.InvalidCompatibilityLevel(name.GetRawText());
        var text = name.GetString();
        return CompatibilityLevels.TryParse(text, out var level) ? level : RegistryErrors.InvalidCompatibilityLevel(text);
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    private static RegistryError InvalidSchema(string message) => new(RegistryErrorKind.InvalidSchema, message);

    private static ApiResponse Unprocessable(string message) => ApiResponse.Error(StatusCodes.Status422UnprocessableEntity, 422, message);

    private static ApiResponse TooLarge(long? length, int maxBytes) => ApiResponse.Error(StatusCodes.Status413PayloadTooLarge, 413,
        length is { } n ? $"The request body is {n} bytes; at most {maxBytes} are accepted" : $"The request body is over the limit of {maxBytes} bytes");
}
