using Bridge.Kernel.Allocation;
using Bridge.Kernel.Protocol;

namespace Bridge.Kernel.Master.Registry;

/// <summary>
/// The master's durable state, what Mesos keeps in its registry: admitted agents (id, hostname,
/// address) with the resources checkpointed on them (dynamic reservations and persistent
/// volumes), role weights and role quotas. Frameworks and tasks are not here: they are soft
/// state that agents and schedulers give back when they re-register and re-subscribe.
/// </summary>
/// <remarks>
/// Each write is atomic and completes only once it is durable, so the master answers a call only
/// after its change is stored; a write that fails throws <see cref="RegistryException"/> and
/// changes nothing. The master calls one method at a time. Implementations: <see cref="SqliteRegistry"/>
/// (a file in the master's work dir), <see cref="EtcdRegistry"/> (keys in etcd, for masters electing a leader there) and <see cref="InMemoryRegistry"/> (no work dir: lost when
/// the master stops).
/// </remarks>
public interface IRegistry : IAsyncDisposable
{
    /// <summary>Everything stored, for a master starting up.</summary>
    /// <exception cref="RegistryException">The store cannot be read, or holds something malformed.</exception>
    Task<RegistryState> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Admits an agent, or replaces what is stored for it (hostname, address, checkpointed resources).</summary>
    /// <exception cref="RegistryException">The write failed; nothing changed.</exception>
    Task PutAgentAsync(RegisteredAgent agent, CancellationToken cancellationToken = default);

    /// <summary>Forgets an agent and its checkpointed resources; nothing happens for an unknown id.</summary>
    /// <exception cref="RegistryException">The write failed; nothing changed.</exception>
    Task RemoveAgentAsync(AgentId id, CancellationToken cancellationToken = default);

    /// <summary>Sets role weights (Mesos UPDATE_WEIGHTS), all or none.</summary>
    /// <exception cref="RegistryException">The write failed; nothing changed.</exception>
    Task PutWeightsAsync(IReadOnlyCollection<KeyValuePair<string, double>> weights, CancellationToken cancellationToken = default);

    /// <summary>Sets role quotas (Mesos UPDATE_QUOTA), all or none; <see cref="Quota.None"/> removes a role's quota.</summary>
    /// <exception cref="RegistryException">The write failed; nothing changed.</exception>
    Task PutQuotasAsync(IReadOnlyCollection<KeyValuePair<string, Quota>> quotas, CancellationToken cancellationToken = default);
}

/// <summary>An admitted agent as the registry keeps it.</summary>
/// <param name="Id">The id the master gave it.</param>
/// <param name="Hostname">Its hostname (a label under <c>bridge up</c>).</param>
/// <param name="Address">Where its endpoint is reached, <c>host:port</c>.</param>
/// <param name="Checkpointed">Dynamic reservations and persistent volumes applied to its resources
/// (RESERVE, UNRESERVE, CREATE and DESTROY offer operations; RESERVE_RESOURCES and UNRESERVE_RESOURCES
/// operator calls), in their reserved form; empty when it has none.</param>
public sealed record RegisteredAgent(AgentId Id, string Hostname, string Address, Resources Checkpointed);

/// <summary>What a registry holds.</summary>
/// <param name="Agents">Admitted agents, ordinally by id.</param>
/// <param name="Weights">Role weights set by operators.</param>
/// <param name="Quotas">Role quotas set by operators (never <see cref="Quota.None"/>).</param>
public sealed record RegistryState(
    IReadOnlyList<RegisteredAgent> Agents,
    IReadOnlyDictionary<string, double> Weights,
    IReadOnlyDictionary<string, Quota> Quotas)
{
    /// <summary>Nothing stored.</summary>
    public static readonly RegistryState Empty = new([], new Dictionary<string, double>(), new Dictionary<string, Quota>());
}

/// <summary>The registry cannot be opened, read or written. The message names the store and the cause.
/// A call whose change could not be stored fails with it, as UNAVAILABLE: nothing changed, it may be retried.</summary>
public sealed class RegistryException : ServiceUnavailableException
{
    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public RegistryException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
