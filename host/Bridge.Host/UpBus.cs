using System.Net;
using System.Security.Cryptography;
using Bridge.Eventing.Bus;
using Bridge.Eventing.Client;
using Bridge.Eventing.KernelEvents;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.Security;
using Microsoft.Extensions.Logging;

namespace Bridge.Host;

/// <summary>
/// The event bus as <c>bridge up</c> runs it: both tiers in this process (several back-end nodes on
/// their own loopback ports, the API tier routing to them), with its keys kept in the work directory
/// so that cursors and encrypted records survive a restart: <c>sealing.keys</c> (cursors, session ids)
/// and <c>record.keys</c> (the AES-256 key ring; every topic is encrypted), each made on first start.
/// Written records' schema ids must be registered in the schema registry.
/// </summary>
internal static class UpBus
{
    /// <summary>Starts the bus; keys and spill files under <paramref name="directory"/>.</summary>
    public static async Task<BusCluster> StartAsync(string directory, string bootstrapServers, Uri registry, int port, int backends, ILoggerFactory logs)
    {
        Directory.CreateDirectory(directory);
        var sealingPath = Path.Combine(directory, "sealing.keys");
        if (!File.Exists(sealingPath))
            KeyFile.Create([new KeyFileEntry("seal-1", RandomNumberGenerator.GetBytes(32))], "seal-1").Save(sealingPath);
        var ringPath = Path.Combine(directory, "record.keys");
        var ring = File.Exists(ringPath) ? KeyRing.Load(ringPath) : KeyRing.CreateFile(ringPath, "record-1");
        return await BusCluster.StartAsync(new BusClusterOptions
        {
            BootstrapServers = bootstrapServers,
            Backends = backends,
            SealingKeys = KeyFile.Load(sealingPath),
            KeyRing = ring,
            Registry = new SchemaRegistryClient(registry),
            SpillRoot = Path.Combine(directory, "spill"),
            ApiEndpoint = new IPEndPoint(IPAddress.Loopback, port),
            LoggerFactory = logs,
        });
    }

    /// <summary>
    /// Publishes the master's cluster events on the bus until disposed (<see cref="KernelEventPublisher"/>):
    /// it subscribes to the master's operator API and re-subscribes if that stream breaks.
    /// </summary>
    public static IAsyncDisposable PublishKernelEvents(Uri master, BusCluster bus, Uri registry, ILoggerFactory logs)
    {
        var client = new BusClient(bus.Api.Address);
        var stop = new CancellationTokenSource();
        var publisher = new KernelEventPublisher(client, new SchemaRegistryClient(registry), logs.CreateLogger<KernelEventPublisher>());
        var run = Task.Run(async () =>
        {
            try
            {
                await publisher.RunAsync(new KernelEventSource(master, loggerFactory: logs), stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                logs.CreateLogger("bridge.up").LogError(e, "kernel events are no longer published on the bus");
            }
        });
        return new Stopper(async () =>
        {
            await stop.CancelAsync();
            await run;
            client.Dispose();
            stop.Dispose();
        });
    }

    private sealed class Stopper(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop();
    }
}
