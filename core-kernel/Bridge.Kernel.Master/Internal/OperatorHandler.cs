using Bridge.Kernel.Allocation;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Bridge.Kernel.V1.Operator;
using Microsoft.Extensions.Logging;
using Type = Bridge.Kernel.V1.Operator.Call.Types.Type;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// The operator API's calls (Mesos v1 operator API semantics): state queries, UPDATE_QUOTA,
/// UPDATE_WEIGHTS, RESERVE_RESOURCES and UNRESERVE_RESOURCES. A reservation by an operator takes
/// unreserved resources that are free on the agent (outstanding offers on it are rescinded first,
/// as Mesos does); what is used by tasks cannot be reserved.
/// </summary>
internal sealed class OperatorHandler(MasterState s)
{
    public Dictionary<string, double> Weights { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Quota> Quotas { get; } = new(StringComparer.Ordinal);

    public Response Call(Call call) => call.Type switch
    {
        Type.GetHealth => new Response { Type = call.Type, GetHealth = new() { Healthy = true } },
        Type.GetState => new Response { Type = call.Type, GetState = StateView.GetState(s) },
        Type.GetAgents => new Response { Type = call.Type, GetAgents = StateView.GetState(s).GetAgents },
        Type.GetFrameworks => new Response { Type = call.Type, GetFrameworks = StateView.GetState(s).GetFrameworks },
        Type.GetTasks => new Response { Type = call.Type, GetTasks = StateView.GetState(s).GetTasks },
        Type.GetRoles => new Response { Type = call.Type, GetRoles = StateView.GetRoles(s) },
        Type.GetWeights => new Response
        {
            Type = call.Type,
            GetWeights = new() { WeightInfos = { Weights.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new WeightInfo { Role = kv.Key, Weight = kv.Value }) } },
        },
        Type.GetQuota => new Response
        {
            Type = call.Type,
            GetQuota = new() { Configs = { Quotas.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => StateView.Quota(kv.Key, kv.Value)) } },
        },
        Type.UpdateQuota => Done(call.Type, () => UpdateQuota(call.UpdateQuota ?? throw new InvalidMessageException("update_quota", "is missing"))),
        Type.UpdateWeights => Done(call.Type, () => UpdateWeights(call.UpdateWeights ?? throw new InvalidMessageException("update_weights", "is missing"))),
        Type.ReserveResources => Done(call.Type, () => Reserve(call.ReserveResources ?? throw new InvalidMessageException("reserve_resources", "is missing"))),
        Type.UnreserveResources => Done(call.Type, () => Unreserve(call.UnreserveResources ?? throw new InvalidMessageException("unreserve_resources", "is missing"))),
        Type.Subscribe => throw new InvalidMessageException("type", "SUBSCRIBE goes through the Subscribe rpc"),
        _ => throw new InvalidMessageException("type", $"{call.Type} is not an operator call"),
    };

    private static Response Done(Type type, Action apply)
    {
        apply();
        return new Response { Type = type };
    }

    private void UpdateQuota(Call.Types.UpdateQuota update)
    {
        var parsed = new List<(string Role, Quota Quota)>();
        for (var i = 0; i < update.QuotaConfigs.Count; i++)
        {
            var config = update.QuotaConfigs[i];
            var field = $"update_quota.quota_configs[{i}]";
            if (Roles.Validate(config.Role) is { } problem) throw new InvalidMessageException($"{field}.role", problem);
            var guarantee = Quantities(config.Guarantees, $"{field}.guarantees");
            var limit = config.Limits.Count == 0 ? null : Quantities(config.Limits, $"{field}.limits");
            parsed.Add((config.Role, new Quota(guarantee, limit)));
        }
        foreach (var (role, quota) in parsed)
        {
            try
            {
                s.Allocator.UpdateQuota(role, quota);
            }
            catch (ArgumentException e)
            {
                throw new InvalidMessageException("update_quota", e.Message);
            }
            if (quota.IsNone) Quotas.Remove(role);
            else Quotas[role] = quota;
            s.Logger.LogInformation("Quota of {Role} set to guarantee {Guarantee}, limit {Limit}", role, quota.Guarantee, quota.Limit?.ToString() ?? "none");
        }
        s.Version++;
    }

    private static ResourceQuantities Quantities(IDictionary<string, Value.Types.Scalar> amounts, string field)
    {
        foreach (var (name, amount) in amounts)
            if (!double.IsFinite(amount.Value) || amount.Value < 0)
                throw new InvalidMessageException($"{field}[{name}]", $"{amount.Value} is not a non-negative amount");
        return ResourceQuantities.Of(amounts.Select(kv => (kv.Key, Scalar.FromDouble(kv.Value.Value))));
    }

    private void UpdateWeights(Call.Types.UpdateWeights update)
    {
        var weights = update.WeightInfos.Select(w => KeyValuePair.Create(w.Role, w.Weight)).ToList();
        try
        {
            s.Allocator.UpdateWeights(weights);
        }
        catch (ArgumentException e)
        {
            throw new InvalidMessageException("update_weights", e.Message);
        }
        foreach (var (role, weight) in weights) Weights[role] = weight;
        s.Version++;
    }

    private void Reserve(Call.Types.ReserveResources reserve)
    {
        var agent = Agent(reserve.AgentId, "reserve_resources.agent_id");
        var resources = ResourceConversion.ToModel(reserve.Resources, "reserve_resources.resources");
        if (resources.IsEmpty || resources.Any(r => r.Reservation is not { Type: ReservationType.Dynamic }))
            throw new InvalidMessageException("reserve_resources.resources", "every resource must carry a dynamic reservation");
        Convert(agent, resources.ToUnreserved(), resources);
    }

    private void Unreserve(Call.Types.UnreserveResources unreserve)
    {
        var agent = Agent(unreserve.AgentId, "unreserve_resources.agent_id");
        var resources = ResourceConversion.ToModel(unreserve.Resources, "unreserve_resources.resources");
        if (resources.IsEmpty || resources.Any(r => r.Reservation is not { Type: ReservationType.Dynamic } || r.IsPersistentVolume))
            throw new InvalidMessageException("unreserve_resources.resources", "every resource must be dynamically reserved and not a volume");
        Convert(agent, resources, resources.ToUnreserved());
    }

    private void Convert(AgentRecord agent, Resources from, Resources to)
    {
        foreach (var offer in s.Allocator.GetOffers().Where(o => o.AgentId == agent.Id).ToList()) s.RescindOffer(offer.Id);
        if (!s.Allocator.GetAvailable(agent.Id).Contains(from))
            throw new InvalidOperationException($"agent {agent.Id} does not have {from} free (free: {s.Allocator.GetAvailable(agent.Id)})");
        s.Allocator.UpdateAgent(agent.Id, s.Allocator.GetTotal(agent.Id).Minus(from).Plus(to));
        agent.Connection?.Send(new MasterMessage { CheckpointResources = new() { Resources = { ResourceConversion.ToWire(s.Allocator.GetTotal(agent.Id).Reserved) } } });
        s.Version++;
    }

    private AgentRecord Agent(AgentID? id, string field)
    {
        if (id is null || !s.Agents.TryGetValue(new AgentId(id.Value), out var agent) || !agent.Reachable)
            throw new KeyNotFoundException($"{field}: unknown or unreachable agent '{id?.Value}'");
        return agent;
    }
}
