using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Yarn.ResourceManager.Server;

/// <summary>Settings of the embedded ResourceManager's server. Immutable; create with an object initializer.</summary>
public sealed record ResourceManagerServerOptions
{
    /// <summary>The default endpoint, 127.0.0.1:8088 (Hadoop's <c>yarn.resourcemanager.webapp.address</c> port).</summary>
    public static IPEndPoint DefaultEndpoint => new(IPAddress.Loopback, 8088);

    /// <summary>Where gRPC and REST are served, one port for both (default: 127.0.0.1:8088; port 0 picks a free one).
    /// Hadoop uses four ports (8030 scheduler, 8031 resource tracker, 8032 client, 8088 web); we use one.</summary>
    public IPEndPoint Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>The core's configuration (default: one CapacityScheduler queue <c>default</c>, the cluster timestamp
    /// taken from <see cref="TimeProvider"/> at start).</summary>
    public ResourceManagerOptions? ResourceManager { get; init; }

    /// <summary>The clock: every core call's <c>now</c>, the liveness ticks, token creation and expiry (default: system).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often the liveness monitors run and applications' resource-seconds are sampled (default: 1 s).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The heartbeat interval told to NodeManagers (<c>yarn.resourcemanager.nodemanagers.heartbeat-interval-ms</c>, default 1 s).</summary>
    public TimeSpan NodeHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a container token stays valid after allocation
    /// (<c>yarn.resourcemanager.rm.container-allocation.expiry-interval-ms</c>, default 600 s).</summary>
    public TimeSpan ContainerTokenExpiry { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The address AM containers are told to reach ApplicationMasterProtocol at
    /// (<c>YARN_RM_SCHEDULER_ADDRESS</c>, <c>http://host:port</c>; default: the bound address).</summary>
    public Uri? AdvertisedAddress { get; init; }

    /// <summary>Logs (default: none).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
