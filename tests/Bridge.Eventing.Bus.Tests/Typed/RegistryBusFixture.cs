using System.Net;
using Bridge.Eventing.Bus.Tests.Infrastructure;
using Bridge.Eventing.Schemas;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.Schemas.Store;

namespace Bridge.Eventing.Bus.Tests.Typed;

/// <summary>
/// A bus with a schema registry, as <c>bridge up</c> runs them: a <see cref="BusHarness"/> (embedded
/// broker, three back-end nodes and the API tier, no encryption, so the raw topic shows the framed
/// values) and a <see cref="SchemaRegistryServer"/> on port 0 over the same broker, which the nodes
/// check written schema ids against. Shared by a test class; each test uses its own topics.
/// </summary>
public sealed class RegistryBusFixture : IAsyncLifetime
{
    private SchemaRegistryServer? _server;

    internal BusHarness Harness { get; private set; } = null!;

    /// <summary>The registry's address.</summary>
    public Uri RegistryAddress => _server!.Address;

    /// <summary>A client of the registry, shared by the tests' serializers and deserializers.</summary>
    public SchemaRegistryClient Registry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The registry needs the harness's broker and the nodes need the registry: it starts in the harness's
        // configure step, between the two (a synchronous callback, hence the wait on the thread pool).
        Harness = await BusHarness.StartAsync(options =>
        {
            _server = Task.Run(() => SchemaRegistryServer.StartAsync(new SchemaRegistryOptions
            {
                Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
                Store = new SchemaStoreOptions { BootstrapServers = options.BootstrapServers },
            })).GetAwaiter().GetResult();
            return options with { Registry = new SchemaRegistryClient(_server.Address) };
        });
        Registry = new SchemaRegistryClient(_server!.Address);
    }

    public async Task DisposeAsync()
    {
        Registry?.Dispose();
        // The registry before the broker its store reads.
        if (_server is not null) await _server.DisposeAsync();
        if (Harness is not null) await Harness.DisposeAsync();
    }
}
