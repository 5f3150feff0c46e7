using Bridge.Kernel.Allocation;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Operator;
using Google.Protobuf.Collections;
using Offer = Bridge.Kernel.Allocation.Offer;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// Builds the operator API's views (Mesos <c>master.proto</c> shapes) from the master's state.
/// Runs on the master's loop; the results are frozen into a <see cref="MasterSnapshot"/> that
/// readers use off the loop.
/// </summary>
internal static class StateView
{
    /// <summary>One agent's view (for operator events).</summary>
    public static Agent Agent(MasterState s, AgentRecord agent) => Agent(s, agent, s.Allocator.GetOffers().Where(o => o.AgentId == agent.Id));

    private static Agent Agent(MasterState s, AgentRecord agent, IEnumerable<Offer> offers)
    {
        var view = new Agent
        {
            AgentInfo = agent.Info,
            Active = agent.Reachable && agent.Connected, // Mesos deactivates an agent whose connection broke until it re-registers
            Version = agent.Version,
            RegisteredTime = agent.RegisteredAt.ToUnixTimeMilliseconds() / 1000.0,
        };
        if (!agent.Reachable) return view;
        var total = s.Allocator.GetTotal(agent.Id);
        var offered = offers.Aggregate(Resources.Empty, (sum, o) => sum.Plus(o.Resources));
        var allocated = total.Minus(s.Allocator.GetAvailable(agent.Id)).Minus(offered);
        view.TotalResources.AddRange(ResourceConversion.ToWire(total));
        view.AllocatedResources.AddRange(ResourceConversion.ToWire(allocated));
        view.OfferedResources.AddRange(ResourceConversion.ToWire(offered));
        return view;
    }

    /// <summary>One framework's view (for operator events).</summary>
    public static Framework Framework(MasterState s, FrameworkRecord framework) =>
        Framework(framework, s.Allocator.GetOffers().Where(o => o.FrameworkId == framework.Id));

    private static Framework Framework(FrameworkRecord framework, IEnumerable<Offer> offers)
    {
        var view = new Framework
        {
            FrameworkInfo = framework.Info,
            Active = framework.Connected,
            Connected = framework.Connected,
            RegisteredTime = framework.RegisteredAt.ToUnixTimeMilliseconds() / 1000.0,
        };
        var allocated = framework.Tasks.Values.Where(t => !t.IsTerminal).Aggregate(Resources.Empty, (sum, t) => sum.Plus(t.Resources));
        var offered = offers.Aggregate(Resources.Empty, (sum, o) => sum.Plus(o.Resources));
        view.AllocatedResources.AddRange(ResourceConversion.ToWire(allocated));
        view.OfferedResources.AddRange(ResourceConversion.ToWire(offered));
        return view;
    }

    /// <summary>The whole state. Offers are grouped once, so this is linear in agents, frameworks, tasks and offers.</summary>
    public static Response.Types.GetState GetState(MasterState s)
    {
        var outstanding = s.Allocator.GetOffers();
        var offersByAgent = outstanding.ToLookup(o => o.AgentId);
        var offersByFramework = outstanding.ToLookup(o => o.FrameworkId);
        var tasks = new Response.Types.GetTasks();
        var frameworks = new Response.Types.GetFrameworks();
        foreach (var framework in s.Frameworks.Values)
        {
            frameworks.Frameworks.Add(Framework(framework, offersByFramework[framework.Id]));
            foreach (var task in framework.Tasks.Values) tasks.Tasks.Add(task.Task);
            foreach (var task in framework.Unreachable.Values) tasks.UnreachableTasks.Add(task.Task);
            tasks.CompletedTasks.AddRange(framework.Completed);
        }
        foreach (var framework in s.CompletedFrameworks)
        {
            frameworks.CompletedFrameworks.Add(Framework(framework, []));
            tasks.CompletedTasks.AddRange(framework.Completed);
        }
        var agents = new Response.Types.GetAgents();
        foreach (var agent in s.Agents.Values)
            if (agent.Reachable) agents.Agents.Add(Agent(s, agent, offersByAgent[agent.Id]));
            else agents.UnreachableAgents.Add(agent.Info);
        foreach (var recovered in s.Recovered.Values.OrderBy(a => a.Id.Value, StringComparer.Ordinal))
            agents.RecoveredAgents.Add(new AgentInfo { Id = new AgentID { Value = recovered.Id.Value }, Hostname = recovered.Hostname, Address = recovered.Address });
        return new Response.Types.GetState { GetTasks = tasks, GetFrameworks = frameworks, GetAgents = agents };
    }

    public static Response.Types.GetRoles GetRoles(MasterState s)
    {
        var roles = new Response.Types.GetRoles();
        var frameworksByRole = s.Frameworks.Values.SelectMany(f => f.Roles.Select(r => (Role: r, f.Id))).ToLookup(x => x.Role, x => x.Id);
        foreach (var summary in s.Allocator.GetRoles())
        {
            var role = new Role
            {
                Name = summary.Role,
                Weight = summary.Weight,
                DominantShare = summary.DominantShare,
                Quota = Quota(summary.Role, summary.Quota),
            };
            role.Frameworks.AddRange(frameworksByRole[summary.Role].Select(id => new FrameworkID { Value = id.Value }));
            role.Allocated.AddRange(Quantities(summary.Allocated));
            roles.Roles.Add(role);
        }
        return roles;
    }

    public static QuotaConfig Quota(string role, Quota quota)
    {
        var config = new QuotaConfig { Role = role };
        foreach (var (name, amount) in quota.Guarantee) config.Guarantees[name] = new Value.Types.Scalar { Value = amount.ToDouble() };
        if (quota.Limit is { } limit)
            foreach (var (name, amount) in limit) config.Limits[name] = new Value.Types.Scalar { Value = amount.ToDouble() };
        return config;
    }

    private static RepeatedField<V1.Resource> Quantities(ResourceQuantities quantities)
    {
        var result = new RepeatedField<V1.Resource>();
        foreach (var (name, amount) in quantities)
            result.Add(new V1.Resource { Name = name, Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = amount.ToDouble() } });
        return result;
    }
}
