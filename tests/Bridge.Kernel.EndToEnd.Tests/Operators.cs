using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Operator;
using Bridge.Rpc;
using OperatorCall = Bridge.Kernel.V1.Operator.Call;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>Operator API calls for the tests, each on its own channel.</summary>
internal static class Operators
{
    public static async Task<Response> CallAsync(Uri master, OperatorCall call)
    {
        using var channel = RpcChannel.ForAddress(master);
        return await new OperatorClient(channel).Call(call);
    }

    public static Task<Response> UpdateWeightAsync(Uri master, string role, double weight) => CallAsync(master, new OperatorCall
    {
        Type = OperatorCall.Types.Type.UpdateWeights,
        UpdateWeights = new() { WeightInfos = { new WeightInfo { Role = role, Weight = weight } } },
    });

    public static Task<Response> UpdateQuotaAsync(Uri master, string role, string guarantee)
    {
        var config = new QuotaConfig { Role = role };
        foreach (var (name, amount) in ResourceQuantities.Parse(guarantee)) config.Guarantees[name] = new Value.Types.Scalar { Value = amount.ToDouble() };
        return CallAsync(master, new OperatorCall { Type = OperatorCall.Types.Type.UpdateQuota, UpdateQuota = new() { QuotaConfigs = { config } } });
    }

    public static Task<Response> ReserveAsync(Uri master, AgentId agent, Resources reserved) => CallAsync(master, new OperatorCall
    {
        Type = OperatorCall.Types.Type.ReserveResources,
        ReserveResources = new() { AgentId = new AgentID { Value = agent.Value }, Resources = { ResourceConversion.ToWire(reserved) } },
    });

    /// <summary>The agent's view once it is registered with <paramref name="master"/> (from the operator event stream, no polling).</summary>
    public static async Task<V1.Operator.Agent> WaitForAgentAsync(Uri master, AgentId id)
    {
        using var channel = RpcChannel.ForAddress(master);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = new OperatorClient(channel).Subscribe(new OperatorCall { Type = OperatorCall.Types.Type.Subscribe }, new CallOptions(CancellationToken: timeout.Token));
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            var e = call.ResponseStream.Current;
            IEnumerable<V1.Operator.Agent> agents = e.Type switch
            {
                Event.Types.Type.Subscribed => e.Subscribed.GetState.GetAgents.Agents,
                Event.Types.Type.AgentAdded => [e.AgentAdded.Agent],
                _ => [],
            };
            if (agents.FirstOrDefault(a => a.AgentInfo.Id.Value == id.Value) is { } agent) return agent;
        }
        throw new InvalidOperationException($"the operator stream ended before agent {id} registered");
    }

    /// <summary>The reserved part of an agent's total, in the model.</summary>
    public static Resources Reserved(V1.Operator.Agent agent) => ResourceConversion.ToModel(agent.TotalResources, "total").Reserved;
}
