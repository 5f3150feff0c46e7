using Bridge.Kernel;
using Bridge.Schedulers.Services.Constraints;

namespace Bridge.Schedulers.Services.Tests.Constraints;

internal static class Agents
{
    /// <summary>An agent named <paramref name="name"/> (hostname <c>name.example</c> unless given) with Mesos attribute text.</summary>
    public static AgentFacts Agent(string name, string attributes = "", string? hostname = null) =>
        new(new AgentId(name), hostname ?? name + ".example", Attributes.Parse(attributes));

    public static CurrentPlacement Tasks(params AgentFacts[] agents) => new(agents);
}
