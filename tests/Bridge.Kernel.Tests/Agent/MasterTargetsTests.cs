using Bridge.Kernel.Protocol;

namespace Bridge.Kernel.Tests.Agent;

/// <summary>Which master an agent connects to next, among several electing a leader.</summary>
public sealed class MasterTargetsTests
{
    private static readonly Uri A = new("http://127.0.0.1:5050"), B = new("http://127.0.0.1:5051"), C = new("http://127.0.0.1:5052");

    [Fact]
    public void Failures_GoRoundTheList_StartingWithTheConfiguredMaster()
    {
        var targets = new MasterTargets(A, [B, C, A]);
        Assert.Equal(A, targets.Current);
        targets.Failed();
        Assert.Equal(B, targets.Current);
        targets.Failed();
        Assert.Equal(C, targets.Current);
        targets.Failed();
        Assert.Equal(A, targets.Current); // A listed twice counts once
    }

    [Fact]
    public void AStandbyNamingTheLeader_SendsTheAgentThere()
    {
        var targets = new MasterTargets(A, [B]);
        Assert.True(targets.Redirect("http://10.0.0.7:5050"));
        Assert.Equal(new Uri("http://10.0.0.7:5050"), targets.Current);
    }

    [Fact]
    public void AMasterNamingItself_IsTriedAgain_NotSkipped()
    {
        // Elected, but still starting its master: it is where the agent must go, after a backoff.
        var targets = new MasterTargets(A, [B]);
        targets.Failed();
        Assert.False(targets.Redirect(B.ToString()));
        Assert.Equal(B, targets.Current);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("not a uri")]
    [InlineData("ftp://127.0.0.1:21")]
    public void ALeaderThatIsNotAnHttpAddress_MovesToTheNextMasterInstead(string? leader)
    {
        var targets = new MasterTargets(A, [B]);
        Assert.False(targets.Redirect(leader));
        Assert.Equal(B, targets.Current);
    }
}
