using Bridge.Kernel.Allocation;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Operator;
using Microsoft.Extensions.Logging;
using Task = System.Threading.Tasks.Task;
using Type = Bridge.Kernel.V1.Operator.Call.Types.Type;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// The operator API's calls (Mesos v1 operator API semantics): state queries, UPDATE_QUOTA,
/// UPDATE_WEIGHTS, RESERVE_RESOURCES and UNRESERVE_RESOURCES. A reservation by an operator takes
/// unreserved resources that are free on the agent (outstanding offers on it are rescinded first,
/// as Mesos does); what is used by tasks cannot be reserved. Changes are validated, written to the
/// registry, and only then applied (the master's loop is held meanwhile): a call is answered once
/// its change is durable, and a failed write leaves everything as it was.
/// </summary>
internal sealed class OperatorHandler(MasterState s)
{
    public Task<Response> CallAsync(Call call) => call.Type switch
    {
        Type.GetHealth => Answer(new Response { Type = call.Type, GetHealth = new() { Healthy = true } }),
        Type.GetState => Answer(new Response { Type = call.Type, GetState = StateView.GetState(s) }),
        Type.GetAgents => Answer(new Response { Type = call.Type, GetAgents = StateView.GetState(s).GetAgents }),
        Type.GetFrameworks => Answer(new Response { Type = call.Type, GetFrameworks = StateView.GetState(s).GetFrameworks }),
        Type.GetTasks => Answer(new Response { Type = call.Type, GetTasks = StateView.GetState(s).GetTasks }),
        Type.GetRoles => Answer(new Response { Type = call.Type, GetRoles = StateView.GetRoles(s) }),
        Type.GetWeights => Answer(new Response
        {
            Type = call.Type,
            GetWeights = new() { WeightInfos = { s.Weights.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new WeightInfo { Role = kv.Key, Weight = kv.Value }) } },
        }),
        Type.GetQuota => Answer(new Response
        {
            Type = call.Type,
            GetQuota = new() { Configs = { s.Quotas.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => StateView.Quota(kv.Key, kv.Value)) } },
        }),
        Type.UpdateQuota => Done(call.Type, UpdateQuotaAsync(call.UpdateQuota ?? throw new InvalidMessageException("update_quota", "is missing"))),
        Type.UpdateWeights => Done(call.Type, UpdateWeightsAsync(call.UpdateWeights ?? throw new InvalidMessageException("update_weights", "is missing"))),
        Type.ReserveResources => Done(call.Type, ReserveAsync(call.ReserveResources ?? throw new InvalidMessageException("reserve_resources", "is missing"))),
        Type.UnreserveResources => Done(call.Type, UnreserveAsync(call.UnreserveResources ?? throw new InvalidMessageException("unreserve_resources", "is missing"))),
        Type.Subscribe => throw new InvalidMessageException("type", "SUBSCRIBE goes through the Subscribe rpc"),
        _ => throw new InvalidMessageException("type", $"{call.Type} is not an operator call"),
    };

    private static Task<Response> Answer(Response response) => Task.FromResult(response);

    private static async Task<Response> Done(Type type, Task change)
    {
        await change;
        return new Response { Type = type };
    }

    private async Task UpdateQuotaAsync(Call.Types.UpdateQuota update)
    {
        var parsed = new List<KeyValuePair<string, Quota>>();
        for (var i = 0; i < update.QuotaConfigs.Count; i++)
        {
            var config = update.QuotaConfigs[i];
            var field = $"update_quota.quota_configs[{i}]";
            if (Roles.Validate(config.Role) is { } problem) throw new InvalidMessageException($"{field}.role", problem);
            var guarantee = Quantities(config.Guarantees, $"{field}.guarantees");
            var limit = config.Limits.Count == 0 ? null : Quantities(config.Limits, $"{field}.limits");
            parsed.Add(KeyValuePair.Create(config.Role, new Quota(guarantee, limit)));
        }
        // The allocator checks each quota against the others as it takes it; if one is refused, or the
        // registry write fails, the ones taken are put back in reverse order (each was valid then).
        var applied = new Stack<(string Role, Quota Previous)>();
        try
        {
            foreach (var (role, quota) in parsed)
            {
                var previous = s.Quotas.GetValueOrDefault(role) ?? Quota.None;
                try
                {
                    s.Allocator.UpdateQuota(role, quota);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidMessageException("update_quota", e.Message);
                }
                applied.Push((role, previous));
            }
            await s.Registry.PutQuotasAsync(parsed);
        }
        catch
        {
            while (applied.TryPop(out var undo)) s.Allocator.UpdateQuota(undo.Role, undo.Previous);
            throw;
        }
        foreach (var (role, quota) in parsed)
        {
            if (quota.IsNone) s.Quotas.Remove(role);
            else s.Quotas[role] = quota;
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

    private async Task UpdateWeightsAsync(Call.Types.UpdateWeights update)
    {
        var weights = update.WeightInfos.Select(w => KeyValuePair.Create(w.Role, w.Weight)).ToList();
        var previous = weights.Select(w => KeyValuePair.Create(w.Key, s.Weights.GetValueOrDefault(w.Key, 1.0))).ToList();
        try
        {
            s.Allocator.UpdateWeights(weights); // checks every weight before it sets any
        }
        catch (ArgumentException e)
        {
            throw new InvalidMessageException("update_weights", e.Message);
        }
        try
        {
            await s.Registry.PutWeightsAsync(weights);
        }
        catch
        {
            s.Allocator.UpdateWeights(previous);
            throw;
        }
        foreach (var (role, weight) in weights) s.Weights[role] = weight;
        s.Version++;
    }

    private Task ReserveAsync(Call.Types.ReserveResources reserve)
    {
        var agent = Agent(reserve.AgentId, "reserve_resources.agent_id");
        var resources = ResourceConversion.ToModel(reserve.Resources, "reserve_resources.resources");
        if (resources.IsEmpty || resources.Any(r => r.Reservation is not { Type: ReservationType.Dynamic }))
            throw new InvalidMessageException("reserve_resources.resources", "every resource must carry a dynamic reservation");
        return ConvertAsync(agent, resources.ToUnreserved(), resources);
    }

    private Task UnreserveAsync(Call.Types.UnreserveResources unreserve)
    {
        var agent = Agent(unreserve.AgentId, "unreserve_resources.agent_id");
        var resources = ResourceConversion.ToModel(unreserve.Resources, "unreserve_resources.resources");
        if (resources.IsEmpty || resources.Any(r => r.Reservation is not { Type: ReservationType.Dynamic } || r.IsPersistentVolume))
            throw new InvalidMessageException("unreserve_resources.resources", "every resource must be dynamically reserved and not a volume");
        return ConvertAsync(agent, resources, resources.ToUnreserved());
    }

    private async Task ConvertAsync(AgentRecord agent, Resources from, Resources to)
    {
        // Free once the agent's outstanding offers are rescinded: what is available plus what is offered.
        var offers = s.Allocator.GetOffers().Where(o => o.AgentId == agent.Id).ToList();
        var free = offers.Aggregate(s.Allocator.GetAvailable(agent.Id), (sum, o) => sum.Plus(o.Resources));
        if (!free.Contains(from))
            throw new InvalidOperationException($"agent {agent.Id} does not have {from} free (free: {free})");
        var total = s.Allocator.GetTotal(agent.Id).Minus(from).Plus(to);
        var checkpointed = Checkpoints.Of(total);
        await s.Registry.PutAgentAsync(agent.ToRegistry(checkpointed));
        foreach (var offer in offers) s.RescindOffer(offer.Id);
        s.Allocator.UpdateAgent(agent.Id, total);
        agent.Checkpointed = checkpointed;
        MasterState.SendCheckpoint(agent);
        s.Logger.LogInformation("Agent {Agent}: {From} became {To} (operator)", agent.Id, from, to);
        s.Version++;
    }

    private AgentRecord Agent(AgentID? id, string field)
    {
        if (id is null || !s.Agents.TryGetValue(new AgentId(id.Value), out var agent) || !agent.Reachable)
            throw new KeyNotFoundException($"{field}: unknown or unreachable agent '{id?.Value}'");
        return agent;
    }
}
