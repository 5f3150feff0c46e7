using Bridge.Kernel.Allocation;

namespace Bridge.Kernel.Master.Registry;

/// <summary>
/// A registry in the master's memory, for a master without a work dir: everything is lost when
/// it stops (agents re-register as unknown agents and are admitted again; weights, quotas and
/// reservations are gone). Thread-safe; writes never fail.
/// </summary>
public sealed class InMemoryRegistry : IRegistry
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, RegisteredAgent> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _weights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Quota> _quotas = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<RegistryState> LoadAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult(new RegistryState(_agents.Values.ToList(), new Dictionary<string, double>(_weights), new Dictionary<string, Quota>(_quotas)));
    }

    /// <inheritdoc />
    public Task PutAgentAsync(RegisteredAgent agent, CancellationToken cancellationToken = default)
    {
        lock (_gate) _agents[agent.Id.Value] = agent;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveAgentAsync(AgentId id, CancellationToken cancellationToken = default)
    {
        lock (_gate) _agents.Remove(id.Value);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PutWeightsAsync(IReadOnlyCollection<KeyValuePair<string, double>> weights, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            foreach (var (role, weight) in weights) _weights[role] = weight;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PutQuotasAsync(IReadOnlyCollection<KeyValuePair<string, Quota>> quotas, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            foreach (var (role, quota) in quotas)
                if (quota.IsNone) _quotas.Remove(role);
                else _quotas[role] = quota;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
