using Bridge.Yarn.Protocol.Security;
using Bridge.Yarn.ResourceManager.Records;
using Google.Protobuf;

namespace Bridge.Yarn.Protocol.Tests;

public class TokenTests
{
    private static readonly ApplicationAttemptId Attempt = new(new ApplicationId(1700000000000, 3), 1);
    private static readonly MasterKey Key = MasterKey.Generate(1);
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1700000100000);

    [Fact]
    public void AmToken_NamesItsAttempt()
    {
        var token = AmRmTokens.Create(Key, Attempt);

        Assert.Equal(TokenProblem.None, AmRmTokens.Verify(Key, token, out var attempt, out _));
        Assert.Equal(Attempt, attempt);
        Assert.DoesNotContain('=', token); // unpadded base64url: safe in headers and environment variables
    }

    [Fact]
    public void AmToken_FromAnotherRm_IsRefused()
    {
        var token = AmRmTokens.Create(MasterKey.Generate(1), Attempt);

        Assert.Equal(TokenProblem.BadPassword, AmRmTokens.Verify(Key, token, out _, out var message));
        Assert.Equal("the AM token's password is invalid (not issued by this ResourceManager)", message);
    }

    [Fact]
    public void AmToken_AlteredToNameAnotherAttempt_IsRefused()
    {
        var other = AmRmTokens.Create(Key, Attempt with { AttemptId = 2 });
        var mine = AmRmTokens.Create(Key, Attempt);
        var forged = other.Split('.')[0] + "." + mine.Split('.')[1];

        Assert.Equal(TokenProblem.BadPassword, AmRmTokens.Verify(Key, forged, out _, out _));
    }

    [Theory]
    [InlineData(null, TokenProblem.Missing)]
    [InlineData("", TokenProblem.Missing)]
    [InlineData("garbage", TokenProblem.Malformed)]
    [InlineData("!!!.???", TokenProblem.Malformed)]
    public void AmToken_Malformed_IsRefused(string? token, TokenProblem problem)
    {
        Assert.Equal(problem, AmRmTokens.Verify(Key, token, out _, out var message));
        Assert.NotEmpty(message);
    }

    [Fact]
    public void AmToken_OtherKeyId_IsRefused()
    {
        var token = AmRmTokens.Create(MasterKey.Generate(2), Attempt);

        Assert.Equal(TokenProblem.UnknownKey, AmRmTokens.Verify(Key, token, out _, out _));
    }

    private static ContainerTokenIdentifier Identifier(NodeId node) => new(
        new ContainerId(Attempt, 0, 2), node, "alice", new Resource(1024, 1), new Priority(1),
        Now, Now + TimeSpan.FromMinutes(10), 1700000000000);

    [Fact]
    public void ContainerToken_Verifies_OnItsNode()
    {
        var node = new NodeId("h1", 8041);
        var token = ContainerTokens.Create(Key, Identifier(node));

        Assert.Equal(TokenProblem.None, ContainerTokens.Verify(Key, token, node, Now, out var id, out _));
        Assert.Equal(Identifier(node), id);
        Assert.Equal(ContainerTokens.Kind, token.Kind);
        Assert.Equal("h1:8041", token.Service);
        Assert.Equal(new Container(new ContainerId(Attempt, 0, 2), node, new Resource(1024, 1), new Priority(1)), id!.Container);
    }

    [Fact]
    public void ContainerToken_OnAnotherNode_IsRefused()
    {
        var token = ContainerTokens.Create(Key, Identifier(new NodeId("h1", 8041)));

        Assert.Equal(TokenProblem.WrongNode, ContainerTokens.Verify(Key, token, new NodeId("h2", 8041), Now, out _, out _));
    }

    [Fact]
    public void ContainerToken_Expired_IsRefused()
    {
        var node = new NodeId("h1", 8041);
        var token = ContainerTokens.Create(Key, Identifier(node));

        Assert.Equal(TokenProblem.Expired, ContainerTokens.Verify(Key, token, node, Now + TimeSpan.FromMinutes(11), out _, out var message));
        Assert.StartsWith("This token is expired.", message);
    }

    [Fact]
    public void ContainerToken_AlteredResource_IsRefused()
    {
        var node = new NodeId("h1", 8041);
        var token = ContainerTokens.Create(Key, Identifier(node));
        var bigger = ContainerTokens.Create(MasterKey.Generate(1), Identifier(node) with { Resource = new Resource(8192, 4) });
        token.Identifier = bigger.Identifier;

        Assert.Equal(TokenProblem.BadPassword, ContainerTokens.Verify(Key, token, node, Now, out _, out _));
    }

    [Fact]
    public void ContainerToken_Missing_IsRefused()
    {
        Assert.Equal(TokenProblem.Missing, ContainerTokens.Verify(Key, null, new NodeId("h", 1), Now, out _, out _));
        Assert.Equal(TokenProblem.Malformed, ContainerTokens.Verify(Key, new V1.TokenProto { Identifier = ByteString.CopyFromUtf8("xx") }, new NodeId("h", 1), Now, out _, out _));
    }

    [Fact]
    public void MasterKey_RoundTripsAndHidesItsBytes()
    {
        var back = MasterKey.FromProto(Key.ToProto(), "key");

        Assert.Equal(Key.Bytes.ToArray(), back.Bytes.ToArray());
        Assert.Equal("MasterKey { KeyId = 1 }", Key.ToString());
    }
}
