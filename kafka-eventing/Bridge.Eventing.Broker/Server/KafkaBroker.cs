using System.Net;
using System.Security.Cryptography;
using System.Text;
using Bridge.Eventing.Broker.Groups;
using Bridge.Eventing.Log.Topics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Broker;

/// <summary>
/// The embedded single-node Kafka broker: Kafka's wire protocol on a TCP port (Kestrel's
/// connection layer, no HTTP), partition logs in a data directory, and the consumer-group
/// coordinator. Real Kafka clients (librdkafka and Confluent.Kafka, kcat) use it unchanged.
/// Versions served and the choices made: docs/broker.md.
/// </summary>
public sealed class KafkaBroker : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GroupCoordinator _groups;
    private readonly CancellationTokenSource _stopping;
    private int _stopped;

    private KafkaBroker(WebApplication app, LogManager logs, GroupCoordinator groups, CancellationTokenSource stopping, IPEndPoint endpoint)
    {
        _app = app;
        Logs = logs;
        _groups = groups;
        _stopping = stopping;
        Endpoint = endpoint;
    }

    /// <summary>The bound endpoint (the real port when port 0 was asked).</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary><c>host:port</c> for clients' <c>bootstrap.servers</c> (Confluent.Kafka, <c>kcat -b</c>).</summary>
    public string BootstrapServers => $"{Endpoint.Address}:{Endpoint.Port}";

    /// <summary>The topics and partition logs.</summary>
    public LogManager Logs { get; }

    /// <summary>
    /// Opens the data directory (recovering its logs: docs/broker.md, "Recovery on open"), then
    /// listens on <see cref="BrokerOptions.Endpoint"/>; returns once bound.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    /// <exception cref="IOException">The data directory is locked by another broker, unreadable, or the port is in use.</exception>
    public static async Task<KafkaBroker> StartAsync(BrokerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } invalid) throw new ArgumentException($"Broker options: {invalid}", nameof(options));
        var logger = options.LoggerFactory.CreateLogger("Bridge.Eventing.Broker");
        var logs = LogManager.Open(new LogManagerOptions
        {
            DataDirectory = options.DataDirectory,
            DefaultConfig = options.DefaultLogConfig,
            DefaultPartitions = options.DefaultPartitions,
        }, options.TimeProvider);
        var groups = new GroupCoordinator(logs.GroupOffsets, options.Groups with { TimeProvider = options.TimeProvider });
        var stopping = new CancellationTokenSource();
        try
        {
            BrokerConnection? connection = null;
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(options.LoggerFactory);
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
                // The transport pipe must hold a whole frame: the reader waits for all of it.
                kestrel.Limits.MaxRequestBufferSize = options.MaxFrameBytes + 64 * 1024L;
                kestrel.Listen(options.Endpoint, listen => listen.Run(context => connection!.RunAsync(context, stopping.Token)));
            });
            var app = builder.Build();
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            var bound = new IPEndPoint(options.Endpoint.Address, port);
            var self = new BrokerIdentity(0, options.AdvertisedHost ?? bound.Address.ToString(), port, ClusterId(options.DataDirectory));
            connection = new BrokerConnection(new RequestRouter(options, logs, groups, self, logger), options.MaxFrameBytes, logger);
            logger.LogInformation("Kafka broker listening on {Endpoint}, data in {DataDirectory}", bound, options.DataDirectory);
            return new KafkaBroker(app, logs, groups, stopping, bound);
        }
        catch
        {
            groups.Dispose();
            logs.Dispose();
            stopping.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops listening, ends waiting fetches and joins, closes connections, then closes the logs
    /// (everything appended is already on disk under the default fsync policy; otherwise flushed now).
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        await _stopping.CancelAsync();
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
        _groups.Dispose();
        Logs.Dispose();
        _stopping.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    // Stable per data directory, in Kafka's form (22 characters of URL-safe base64 of 16 bytes).
    private static string ClusterId(string dataDirectory) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory)))[..16])
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
