using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Schemas.Client;

/// <summary>
/// A client of a Confluent-compatible schema registry's REST API (Bridge's own, or Confluent's):
/// registers schemas under subjects and fetches them by id, caching both answers (ids are
/// immutable, so the caches never go stale). Thread-safe; one instance per registry is meant to be
/// shared by every serializer and deserializer of a process.
/// </summary>
public sealed class SchemaRegistryClient : IDisposable
{
    /// <summary>The registry's media type, sent as Content-Type and Accept.</summary>
    public const string MediaType = "application/vnd.schemaregistry.v1+json";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ConcurrentDictionary<(string Subject, string Schema), int> _ids = new();
    private readonly ConcurrentDictionary<int, AvroSchema> _schemas = new();

    /// <summary>
    /// A client of the registry at <paramref name="baseAddress"/> (e.g. <c>http://127.0.0.1:8081/</c>),
    /// over <paramref name="http"/> when given (its BaseAddress is not used; it is not disposed), else
    /// over a client of its own with a 30 s timeout.
    /// </summary>
    public SchemaRegistryClient(Uri baseAddress, HttpClient? http = null)
    {
        BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The registry's base address, ending in a slash.</summary>
    public Uri BaseAddress { get; }

    /// <summary>
    /// The id of <paramref name="schema"/> under <paramref name="subject"/>, registering it (a new
    /// version) when the subject does not have it yet: <c>POST /subjects/{subject}/versions</c>.
    /// SchemaRegistryException with the registry's error code (409 incompatible, 42201 invalid, ...).
    /// </summary>
    public async Task<int> RegisterAsync(string subject, AvroSchema schema, CancellationToken cancellationToken = default)
    {
        var text = schema.ToJson();
        if (_ids.TryGetValue((subject, text), out var known)) return known;
        var response = await SendAsync<IdResponse>(HttpMethod.Post, $"subjects/{Uri.EscapeDataString(subject)}/versions",
            new SchemaRequest(text), cancellationToken);
        _ids[(subject, text)] = response.Id;
        _schemas.TryAdd(response.Id, schema);
        return response.Id;
    }

    /// <summary>
    /// The id of <paramref name="schema"/> if <paramref name="subject"/> already has it, without
    /// registering anything: <c>POST /subjects/{subject}</c>. SchemaRegistryException 40401/40403 when it does not.
    /// </summary>
    public async Task<int> LookupAsync(string subject, AvroSchema schema, CancellationToken cancellationToken = default)
    {
        var text = schema.ToJson();
        if (_ids.TryGetValue((subject, text), out var known)) return known;
        var response = await SendAsync<SubjectVersion>(HttpMethod.Post, $"subjects/{Uri.EscapeDataString(subject)}",
            new SchemaRequest(text), cancellationToken);
        _ids[(subject, text)] = response.Id;
        return response.Id;
    }

    /// <summary>
    /// The schema with global id <paramref name="id"/>: <c>GET /schemas/ids/{id}</c>, parsed.
    /// SchemaRegistryException 40403 when there is none; AvroSchemaException if the registry returns
    /// a schema that does not parse.
    /// </summary>
    public async Task<AvroSchema> GetSchemaAsync(int id, CancellationToken cancellationToken = default)
    {
        if (_schemas.TryGetValue(id, out var known)) return known;
        var response = await SendAsync<SchemaResponse>(HttpMethod.Get, $"schemas/ids/{id}", null, cancellationToken);
        return _schemas.GetOrAdd(id, AvroSchema.Parse(response.Schema));
    }

    /// <summary>The latest version of <paramref name="subject"/>: <c>GET /subjects/{subject}/versions/latest</c>. Not cached.</summary>
    public async Task<RegisteredSchema> GetLatestAsync(string subject, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync<SubjectVersion>(HttpMethod.Get, $"subjects/{Uri.EscapeDataString(subject)}/versions/latest", null, cancellationToken);
        var schema = _schemas.GetOrAdd(response.Id, _ => AvroSchema.Parse(response.Schema));
        return new RegisteredSchema(response.Subject, response.Version, response.Id, schema);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseAddress, path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaType));
        if (body is not null)
            request.Content = JsonContent.Create(body, mediaType: new MediaTypeHeaderValue(MediaType));
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw SchemaRegistryException.From((int)response.StatusCode, text, $"{method} {path}");
        try
        {
            return JsonSerializer.Deserialize<T>(text) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new SchemaRegistryException((int)response.StatusCode, 0, $"{method} {path}: the registry's answer is not the expected JSON ({e.Message}): {Truncate(text)}");
        }
    }

    internal static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    private sealed record SchemaRequest([property: JsonPropertyName("schema")] string Schema);

    private sealed record IdResponse([property: JsonPropertyName("id")] int Id);

    private sealed record SchemaResponse([property: JsonPropertyName("schema")] string Schema);

    private sealed record SubjectVersion(
        [property: JsonPropertyName("subject")] string Subject,
        [property: JsonPropertyName("version")] int Version,
        [property: JsonPropertyName("id")] int Id,
        [property: JsonPropertyName("schema")] string Schema);
}

/// <summary>A schema as registered: its subject, version under it (from 1), global id, and the parsed schema.</summary>
public sealed record RegisteredSchema(string Subject, int Version, int Id, AvroSchema Schema);

/// <summary>
/// The registry refused a request or could not be understood. <see cref="ErrorCode"/> is
/// Confluent's (40401 subject not found, 40402 version not found, 40403 schema not found,
/// 409 incompatible, 42201 invalid schema, 50001 store error; 0 when the answer had none).
/// </summary>
public sealed class SchemaRegistryException(int httpStatus, int errorCode, string message) : Exception(message)
{
    /// <summary>The HTTP status of the answer.</summary>
    public int HttpStatus { get; } = httpStatus;

    /// <summary>The <c>error_code</c> of the answer's body, or 0.</summary>
    public int ErrorCode { get; } = errorCode;

    internal static SchemaRegistryException From(int status, string body, string what)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var code = json.RootElement.TryGetProperty("error_code", out var c) && c.TryGetInt32(out var n) ? n : 0;
            var message = json.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
            return new SchemaRegistryException(status, code, $"{what}: {message ?? SchemaRegistryClient.Truncate(body)} (HTTP {status}, error {code})");
        }
        catch (JsonException)
        {
            return new SchemaRegistryException(status, 0, $"{what}: HTTP {status}: {SchemaRegistryClient.Truncate(body)}");
        }
    }
}
