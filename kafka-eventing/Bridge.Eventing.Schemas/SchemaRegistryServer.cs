using System.Net;
using Bridge.Eventing.Schemas.Http;
using Bridge.Eventing.Schemas.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Eventing.Schemas;

/// <summary>Settings of the schema registry's HTTP server and its Kafka store.</summary>
public sealed record SchemaRegistryOptions
{
    /// <summary>Where to listen. Default 127.0.0.1:8081, Confluent's port; port 0 picks a free one (read <see cref="SchemaRegistryServer.Address"/>).</summary>
    public IPEndPoint Endpoint { get; init; } = new(IPAddress.Loopback, 8081);

    /// <summary>The Kafka store: bootstrap servers (default 127.0.0.1:9092), topic (<c>_schemas</c>), timeouts.</summary>
    public SchemaStoreOptions Store { get; init; } = new();

    /// <summary>Largest request body accepted, in bytes (default 4 MiB, room for a schema at the Avro parser's bound); larger is refused with 413.</summary>
    public int MaxRequestBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Where the server, the registry and the store log.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Checks ranges; returns a message naming the first bad setting, or null when valid.</summary>
    public string? Validate()
    {
        if (MaxRequestBodyBytes < 1024) return $"the request body limit must be at least 1024 bytes, not {MaxRequestBodyBytes}";
        if (Store.Timeout <= TimeSpan.Zero || Store.Timeout > TimeSpan.FromMinutes(10)) return $"the store timeout must be more than 0 and at most 10 minutes, not {Store.Timeout}";
        if (string.IsNullOrWhiteSpace(Store.BootstrapServers)) return "the Kafka bootstrap servers must be set";
        if (string.IsNullOrWhiteSpace(Store.Topic)) return "the store topic must be set";
        return null;
    }
}

/// <summary>
/// The schema registry served over HTTP/1.1 on Kestrel with Confluent Schema Registry's REST API
/// (docs/schema-registry.md), its state kept in the Kafka topic <c>_schemas</c>. Clients written
/// for Confluent's registry (Confluent.Kafka's and confluent-kafka-python's) use it unchanged.
/// </summary>
public sealed class SchemaRegistryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private SchemaRegistryServer(WebApplication app, SchemaRegistry registry, Uri address)
    {
        _app = app;
        Registry = registry;
        Address = address;
    }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:8081</c> (the real port when 0 was asked).</summary>
    public Uri Address { get; }

    /// <summary>The registry served.</summary>
    public SchemaRegistry Registry { get; }

    /// <summary>
    /// Connects to Kafka (creating <c>_schemas</c> if missing), reads the whole topic to rebuild the
    /// state, then listens; returns once bound.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="SchemaStoreException">Kafka cannot be reached or read within the store timeout.</exception>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    public static async Task<SchemaRegistryServer> StartAsync(SchemaRegistryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } invalid) throw new ArgumentException($"Schema registry options: {invalid}", nameof(options));
        var store = await KafkaSchemaStore.OpenAsync(options.Store with { LoggerFactory = options.LoggerFactory }, cancellationToken);
        SchemaRegistry registry;
        try
        {
            registry = await SchemaRegistry.OpenAsync(store, options.LoggerFactory, cancellationToken);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
        try
        {
            return await StartAsync(registry, options, cancellationToken);
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Serves <paramref name="registry"/> (over any store); once started, the server owns it and
    /// disposes it when stopped. If starting fails, the caller still owns it.
    /// </summary>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    public static async Task<SchemaRegistryServer> StartAsync(SchemaRegistry registry, SchemaRegistryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var api = new RegistryApi(registry, options.MaxRequestBodyBytes, options.LoggerFactory.CreateLogger("Bridge.Eventing.Schemas.Http"));
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(options.LoggerFactory);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The API reads bodies itself, up to MaxRequestBodyBytes, and answers 413 in Confluent's shape.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(options.Endpoint);
        });
        var app = builder.Build();
        app.Run(api.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new SchemaRegistryServer(app, registry, new Uri($"http://{options.Endpoint.Address}:{bound.Port}"));
    }

    /// <summary>Stops listening (requests under way get 5 s), then closes the registry and its store.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
        await Registry.DisposeAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();
}
