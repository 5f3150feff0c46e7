using Bridge.Eventing.Bus.Policy;
using Bridge.Eventing.Bus.Routing;

namespace Bridge.Eventing.Bus.Tests.Sessions;

public sealed class RoutingAndPolicyTests
{
    private static readonly string[] Sessions = Enumerable.Range(0, 10_000).Select(i => $"session-{i}").ToArray();

    [Fact]
    public void Losing_A_Node_Moves_Only_Its_Sessions()
    {
        string[] nodes = ["backend-1", "backend-2", "backend-3", "backend-4"];
        var before = Sessions.ToDictionary(s => s, s => RendezvousRouter.Pick(s, nodes));
        var after = Sessions.ToDictionary(s => s, s => RendezvousRouter.Pick(s, nodes.Where(n => n != "backend-2")));
        Assert.All(Sessions, s => Assert.Equal(before[s] == "backend-2" ? after[s] : before[s], after[s]));
        Assert.DoesNotContain("backend-2", after.Values);
    }

    [Fact]
    public void Adding_A_Node_Moves_Only_Sessions_To_It_And_About_A_Fair_Share()
    {
        string[] nodes = ["backend-1", "backend-2", "backend-3"];
        var before = Sessions.ToDictionary(s => s, s => RendezvousRouter.Pick(s, nodes));
        var after = Sessions.ToDictionary(s => s, s => RendezvousRouter.Pick(s, [.. nodes, "backend-4"]));
        var moved = Sessions.Where(s => before[s] != after[s]).ToList();
        Assert.All(moved, s => Assert.Equal("backend-4", after[s]));
        Assert.InRange(moved.Count, 2_000, 3_000); // a quarter of 10,000, give or take
        Assert.All(nodes, n => Assert.InRange(before.Values.Count(v => v == n), 3_000, 3_700));
    }

    [Fact]
    public void The_Owner_Does_Not_Depend_On_Node_Order_And_None_When_No_Nodes()
    {
        Assert.Equal(RendezvousRouter.Pick("s", ["a", "b", "c"]), RendezvousRouter.Pick("s", ["c", "a", "b"]));
        Assert.Null(RendezvousRouter.Pick("s", []));
    }

    [Fact]
    public void Policies_Match_Exact_Then_Longest_Prefix_Then_Default()
    {
        var policies = TopicPolicies.Parse(["bridge.*=token", "bridge.secure.*=sensitive", "bridge.tasks=plaintext"]);
        Assert.False(policies.For("bridge.tasks").Encrypts(keyRingConfigured: true));
        Assert.True(policies.For("bridge.secure.x").RequireTls);
        Assert.True(policies.For("bridge.agents").RequireToken);
        Assert.False(policies.For("bridge.agents").RequireTls);
        Assert.True(policies.For("other").Encrypts(keyRingConfigured: true));
        Assert.False(policies.For("other").Encrypts(keyRingConfigured: false));
    }

    [Theory]
    [InlineData("nopattern")]
    [InlineData("a=unknown")]
    [InlineData("a*b=token")]
    [InlineData("=token")]
    public void Malformed_Policies_Are_Refused_Quoting_The_Spec(string spec)
    {
        var error = Assert.Throws<FormatException>(() => TopicPolicies.Parse([spec]));
        Assert.Contains(spec.Split('=')[0], error.Message);
    }
}
