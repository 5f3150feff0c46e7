using Bridge.Kernel.Coordination.Etcd;

namespace Bridge.Kernel.Coordination.Tests;

/// <summary>A real etcd for a test class, on free loopback ports with a temp data dir; killed and deleted at the end.</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    public EtcdProcess Etcd { get; private set; } = null!;

    public async Task InitializeAsync() => Etcd = await StartAsync();

    public static Task<EtcdProcess> StartAsync() => EtcdProcess.StartTemporaryAsync();

    /// <summary>A client of this etcd (short call timeout: a test waits on nothing long).</summary>
    public EtcdClient Client() => new([Etcd.ClientUrl], new EtcdClientOptions { CallTimeout = TimeSpan.FromSeconds(2) });

    /// <summary>A key prefix no other test uses.</summary>
    public static string Prefix() => $"/test/{Guid.NewGuid():N}/";

    public async Task DisposeAsync() => await Etcd.DisposeAsync();
}
