using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Bridge.Eventing.Broker;
using Bridge.Eventing.Schemas.Store;

namespace Bridge.Eventing.Schemas.Tests.Infrastructure;

/// <summary>
/// The registry as it runs: an embedded <see cref="KafkaBroker"/> in-process on 127.0.0.1 port 0
/// over a fresh temporary data directory, and a <see cref="SchemaRegistryServer"/> on port 0 over
/// it, with an HTTP client. Either can be restarted; disposing stops both and deletes the directory.
/// </summary>
internal sealed class RegistryHarness : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly TimeSpan _storeTimeout;

    private RegistryHarness(string dataDirectory, TimeSpan storeTimeout, KafkaBroker broker)
    {
        _dataDirectory = dataDirectory;
        _storeTimeout = storeTimeout;
        Broker = broker;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The running broker, or null while stopped.</summary>
    public KafkaBroker? Broker { get; private set; }

    /// <summary>The running registry, or null while stopped.</summary>
    public SchemaRegistryServer? Registry { get; private set; }

    /// <summary>A client for <see cref="Registry"/>'s address.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts a broker and a registry over it; <paramref name="storeTimeout"/> bounds each Kafka operation (default 10 s).</summary>
    public static async Task<RegistryHarness> StartAsync(TimeSpan? storeTimeout = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "bridge-registry-tests-" + Guid.NewGuid().ToString("N"));
        var broker = await KafkaBroker.StartAsync(BrokerOptions(directory, 0));
        var harness = new RegistryHarness(directory, storeTimeout ?? TimeSpan.FromSeconds(10), broker);
        try
        {
            await harness.StartRegistryAsync();
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the registry over the running broker.</summary>
    public async Task StartRegistryAsync() => Registry = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions
    {
        Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
        Store = new SchemaStoreOptions { BootstrapServers = Broker!.BootstrapServers, Timeout = _storeTimeout },
    });

    /// <summary>Stops the registry.</summary>
    public async Task StopRegistryAsync()
    {
        if (Registry is { } registry) await registry.DisposeAsync();
        Registry = null;
    }

    /// <summary>Stops the broker (the registry keeps running, and fails to reach it).</summary>
    public async Task StopBrokerAsync()
    {
        if (Broker is { } broker) await broker.DisposeAsync();
        Broker = null;
    }

    /// <summary>Starts the broker over the same data directory, on <paramref name="port"/> (0: a new one).</summary>
    public async Task StartBrokerAsync(int port = 0) => Broker = await KafkaBroker.StartAsync(BrokerOptions(_dataDirectory, port));

    /// <summary>Sends a request to the registry; <paramref name="body"/> as is, with <paramref name="contentType"/> (null: no Content-Type).</summary>
    public async Task<ApiResult> SendAsync(HttpMethod method, string path, string? body = null,
        string? contentType = "application/vnd.schemaregistry.v1+json")
    {
        using var request = new HttpRequestMessage(method, new Uri(Registry!.Address, path));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await Http.SendAsync(request);
        return new ApiResult((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    public Task<ApiResult> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<ApiResult> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>POST <c>{"schema": SCHEMA}</c> to <paramref name="path"/>.</summary>
    public Task<ApiResult> PostSchemaAsync(string path, string schema) => SendAsync(HttpMethod.Post, path, SchemaBody(schema));

    public Task<ApiResult> RegisterAsync(string subject, string schema) => PostSchemaAsync($"subjects/{Uri.EscapeDataString(subject)}/versions", schema);

    public Task<ApiResult> PutConfigAsync(string path, string level) =>
        SendAsync(HttpMethod.Put, path, JsonSerializer.Serialize(new Dictionary<string, string> { ["compatibility"] = level }));

    /// <summary><c>{"schema": "..."}</c> with <paramref name="schema"/> as a JSON string.</summary>
    public static string SchemaBody(string schema) => JsonSerializer.Serialize(new Dictionary<string, string> { ["schema"] = schema });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await StopRegistryAsync();
            await StopBrokerAsync();
        }
        finally
        {
            try
            {
                if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless.
            }
        }
    }

    private static BrokerOptions BrokerOptions(string directory, int port) => new()
    {
        DataDirectory = directory,
        Endpoint = new IPEndPoint(IPAddress.Loopback, port),
    };
}

/// <summary>An HTTP answer: status, content type, body text, and the body as JSON.</summary>
internal sealed record ApiResult(int Status, string? ContentType, string Text)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();

    /// <summary>The error body's <c>error_code</c>.</summary>
    public int ErrorCode => Json.GetProperty("error_code").GetInt32();

    /// <summary>The error body's <c>message</c>.</summary>
    public string Message => Json.GetProperty("message").GetString()!;

    /// <summary>Asserts a Confluent-shaped error: this status, this code, exactly two members.</summary>
    public ApiResult AssertError(int status, int code)
    {
        Assert.True(status == Status && code == ErrorCode, $"expected {status}/{code}, got {Status}: {Text}");
        Assert.Equal(["error_code", "message"], Json.EnumerateObject().Select(p => p.Name));
        return this;
    }

    public ApiResult AssertOk()
    {
        Assert.True(Status == 200, $"expected 200, got {Status}: {Text}");
        return this;
    }

    public override string ToString() => $"{Status} {Text}";
}
