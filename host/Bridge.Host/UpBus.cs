using System.Net;
using System.Security.Cryptography;
using Bridge.Eventing.Bus;
using Bridge.Eventing.Client;
using Bridge.Eventing.KernelEvents;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.Security;
using Bridge.Schedulers.Events;
using Bridge.Schedulers.Jobs.Runs;
using Bridge.Schedulers.Services.Scheduling;
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
    public static IAsyncDisposable PublishKernelEvents(Uri master, BusCluster bus, Uri registry, ILoggerFactory logs) =>
        Publish("kernel events", bus.Api.Address, registry, logs, (client, schemas, stop) =>
            new KernelEventPublisher(client, schemas, logs.CreateLogger<KernelEventPublisher>()).RunAsync(new KernelEventSource(master, loggerFactory: logs), stop));

    /// <summary>
    /// Publishes a services scheduler's events on <c>bridge.services</c> until disposed or the scheduler
    /// stops (<see cref="SchedulerEventPublisher"/>), through the bus's API tier at <paramref name="bus"/>.
    /// </summary>
    public static IAsyncDisposable PublishServiceEvents(IServicesControl services, Uri bus, Uri registry, ILoggerFactory logs) =>
        Publish("services scheduler events", bus, registry, logs, (client, schemas, stop) =>
            new SchedulerEventPublisher(client, schemas, logs.CreateLogger<SchedulerEventPublisher>()).RunAsync(services, stop));

    /// <summary>
    /// Publishes a jobs scheduler's events on <c>bridge.jobs</c> until disposed or the scheduler stops
    /// (<see cref="SchedulerEventPublisher"/>), through the bus's API tier at <paramref name="bus"/>.
    /// </summary>
    public static IAsyncDisposable PublishJobEvents(IJobsControl jobs, Uri bus, Uri registry, ILoggerFactory logs) =>
        Publish("jobs scheduler events", bus, registry, logs, (client, schemas, stop) =>
            new SchedulerEventPublisher(client, schemas, logs.CreateLogger<SchedulerEventPublisher>()).RunAsync(jobs, stop));

    /// <summary>Publishes the YARN bridge's events on <c>bridge.yarn</c> until disposed or the bridge stops.</summary>
    public static IAsyncDisposable PublishYarnEvents(Bridge.Yarn.Hosting.YarnBridgeFramework bridge, Uri bus, Uri registry, ILoggerFactory logs) =>
        Publish("YARN bridge events", bus, registry, logs, (client, schemas, stop) =>
            new SchedulerEventPublisher(client, schemas, logs.CreateLogger<SchedulerEventPublisher>()).RunAsync(bridge.EventsAsync(stop), stop));

    /// <summary>Runs <paramref name="publish"/> in the background until the returned handle is disposed;
    /// a failure (the registry refused a schema or cannot be reached) is logged, never thrown.</summary>
    private static IAsyncDisposable Publish(string what, Uri bus, Uri registry, ILoggerFactory logs,
        Func<BusClient, SchemaRegistryClient, CancellationToken, Task> publish)
    {
        var client = new BusClient(bus);
        var schemas = new SchemaRegistryClient(registry);
        var stop = new CancellationTokenSource();
        var run = Task.Run(async () =>
        {
            try
            {
                await publish(client, schemas, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                logs.CreateLogger("bridge.up").LogError(e, "{What} are no longer published on the bus", what);
            }
        });
        return new Stopper(async () =>
        {
            await stop.CancelAsync();
            await run;
            client.Dispose();
            schemas.Dispose();
            stop.Dispose();
        });
    }

    private sealed class Stopper(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop();
    }
}
