namespace Bridge.Eventing.Security.Tests;

public class BusPrincipalTests
{
    [Theory]
    [InlineData("bus:read:orders", "orders", BusAccess.Read, true)]
    [InlineData("bus:read:orders", "orders", BusAccess.Write, false)]
    [InlineData("bus:read:orders", "orders2", BusAccess.Read, false)]
    [InlineData("bus:read:orders", "Orders", BusAccess.Read, false)]
    [InlineData("bus:read:orders", "order", BusAccess.Read, false)]
    [InlineData("bus:write:orders", "orders", BusAccess.Write, true)]
    [InlineData("bus:write:orders", "orders", BusAccess.Read, false)]
    [InlineData("bus:read:bridge.*", "bridge.tasks", BusAccess.Read, true)]
    [InlineData("bus:read:bridge.*", "bridge.", BusAccess.Read, true)]
    [InlineData("bus:read:bridge.*", "bridge", BusAccess.Read, false)]
    [InlineData("bus:read:bridge.*", "bridgeX.tasks", BusAccess.Read, false)]
    [InlineData("bus:read:bridge.*", "x.bridge.tasks", BusAccess.Read, false)]
    [InlineData("bus:read:*", "anything.at-all", BusAccess.Read, true)]
    [InlineData("bus:read:*", "anything", BusAccess.Write, false)]
    [InlineData("bus:write:logs.*", "logs.app", BusAccess.Write, true)]
    [InlineData("bus:read:a*b", "axb", BusAccess.Read, false)]
    [InlineData("bus:read:a*b", "a*b", BusAccess.Read, false)]
    [InlineData("bus:read:**", "x", BusAccess.Read, false)]
    [InlineData("bus:read:", "", BusAccess.Read, false)]
    [InlineData("bus:read:*", "", BusAccess.Read, false)]
    [InlineData("bus:admin:*", "x", BusAccess.Read, false)]
    [InlineData("bus:read", "read", BusAccess.Read, false)]
    [InlineData("read:orders", "orders", BusAccess.Read, false)]
    [InlineData("BUS:READ:orders", "orders", BusAccess.Read, false)]
    [InlineData("openid", "openid", BusAccess.Read, false)]
    public void Allows_ScopeTable(string scope, string topic, BusAccess access, bool allowed) =>
        Assert.Equal(allowed, new BusPrincipal("alice", [scope], DateTimeOffset.UnixEpoch).Allows(topic, access));

    [Fact]
    public void Allows_AnyOfSeveralScopes()
    {
        var principal = new BusPrincipal("alice", ["openid", "bus:read:a.*", "bus:write:b", "bus:read:c"], DateTimeOffset.UnixEpoch);
        Assert.True(principal.Allows("a.1", BusAccess.Read));
        Assert.True(principal.Allows("c", BusAccess.Read));
        Assert.True(principal.Allows("b", BusAccess.Write));
        Assert.False(principal.Allows("b", BusAccess.Read));
        Assert.False(principal.Allows("a.1", BusAccess.Write));
    }

    [Fact]
    public void Scopes_DuplicatesRemoved_OrderKept() =>
        Assert.Equal(["b", "a"], new BusPrincipal("alice", ["b", "a", "b"], DateTimeOffset.UnixEpoch).Scopes);
}
