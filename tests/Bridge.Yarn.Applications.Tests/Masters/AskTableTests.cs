using Bridge.Yarn.Applications.Masters;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Tests.Masters;

public sealed class AskTableTests
{
    private static readonly Resource OneGb = new(1024, 1);
    private static readonly ApplicationAttemptId Attempt = FakeCluster.Attempt();

    private static Container On(string host, int priority, long sequence, Resource? resource = null) =>
        new(new ContainerId(Attempt, 0, sequence), new NodeId(host, 8041), resource ?? OneGb, new Priority(priority));

    private static List<string> Texts(IEnumerable<ResourceRequest> requests) => requests.Select(r => r.ToString()).ToList();

    [Fact]
    public void Add_AnywhereAsks_OneStarTotal()
    {
        var table = new AskTable<int>();
        for (int i = 0; i < 3; i++) table.Add(i, ContainerAsk.Anywhere(new Priority(20), OneGb));

        Assert.Equal(["{Priority: 20, Capability: <memory:1024, vCores:1>, # Containers: 3, Location: *, Relax Locality: true}"], Texts(table.TakeChanged()));
        Assert.Empty(table.TakeChanged());
    }

    [Fact]
    public void Add_HostAsk_ExpandsAsAmrmClientDoes_HostRackAndStar()
    {
        var table = new AskTable<string>();
        table.Add("a", new ContainerAsk(new Priority(1), OneGb, ["h1", "h2"], []));
        table.Add("b", new ContainerAsk(new Priority(1), OneGb, ["h2"], ["/r9"]));

        Assert.Equal(
        [
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 1, Location: h1, Relax Locality: true}",
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 2, Location: h2, Relax Locality: true}",
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 2, Location: /default-rack, Relax Locality: true}",
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 2, Location: *, Relax Locality: true}",
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 1, Location: /r9, Relax Locality: true}",
        ], Texts(table.TakeChanged()));
    }

    [Fact]
    public void Add_StrictHostAsk_HostRelaxedButRackAndStarNot()
    {
        var table = new AskTable<int>();
        table.Add(0, new ContainerAsk(new Priority(1), OneGb, ["h1"], [], RelaxLocality: false));

        Assert.Equal(
        [
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 1, Location: h1, Relax Locality: true}",
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 1, Location: /default-rack, Relax Locality: false}",
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 1, Location: *, Relax Locality: false}",
        ], Texts(table.TakeChanged()));
    }

    [Fact]
    public void Add_MixingRelaxLocalityAtOneLocation_Refused()
    {
        var table = new AskTable<int>();
        table.Add(0, new ContainerAsk(new Priority(1), OneGb, ["h1"], [], RelaxLocality: false));

        Assert.Throws<InvalidOperationException>(() => table.Add(1, ContainerAsk.Anywhere(new Priority(1), OneGb)));
        Assert.Throws<InvalidOperationException>(() => table.Add(0, ContainerAsk.Anywhere(new Priority(2), OneGb)));
        table.Add(2, ContainerAsk.Anywhere(new Priority(2), OneGb)); // another priority is another table row
    }

    [Fact]
    public void TryMatch_PrefersTheAskNamingTheHost_ThenTheOldest_AndDecrementsEveryLocation()
    {
        var table = new AskTable<string>();
        table.Add("anywhere", ContainerAsk.Anywhere(new Priority(1), OneGb));
        table.Add("on-h2", new ContainerAsk(new Priority(1), OneGb, ["h2"], []));
        table.TakeChanged();

        Assert.True(table.TryMatch(On("h2", 1, 2), out var first));
        Assert.Equal("on-h2", first);
        Assert.Equal(
        [
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 0, Location: h2, Relax Locality: true}",
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 0, Location: /default-rack, Relax Locality: true}",
            "{Priority: 1, Capability: <memory:1024, vCores:1>, # Containers: 1, Location: *, Relax Locality: true}",
        ], Texts(table.TakeChanged()));
        Assert.True(table.TryMatch(On("h7", 1, 3), out var second));
        Assert.Equal("anywhere", second);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void TryMatch_WrongPriorityTooSmallOrStrictElsewhere_IsSurplus()
    {
        var table = new AskTable<int>();
        table.Add(0, ContainerAsk.Anywhere(new Priority(1), new Resource(2048, 1)));
        table.Add(1, new ContainerAsk(new Priority(2), OneGb, ["h1"], [], RelaxLocality: false));

        Assert.False(table.TryMatch(On("h1", 3, 2), out _));                 // nobody asked at priority 3
        Assert.False(table.TryMatch(On("h1", 1, 3), out _));                 // 1024 MB does not hold a 2048 MB ask
        Assert.False(table.TryMatch(On("h2", 2, 4), out _));                 // strictly h1
        Assert.True(table.TryMatch(On("h1", 1, 5, new Resource(2048, 2)), out int bigger)); // rounded-up containers fit
        Assert.Equal(0, bigger);
        Assert.True(table.TryMatch(On("h1", 2, 6), out int strict));
        Assert.Equal(1, strict);
    }

    [Fact]
    public void Remove_CancelsTheAsk_TotalGoesToZeroOnce()
    {
        var table = new AskTable<int>();
        table.Add(7, ContainerAsk.Anywhere(new Priority(1), OneGb));
        table.TakeChanged();

        Assert.True(table.Remove(7));
        Assert.False(table.Remove(7));
        Assert.Equal(0, Assert.Single(table.TakeChanged()).NumContainers);
        Assert.Empty(table.All());
    }

    [Fact]
    public void All_EveryNonZeroTotal_ForAResync()
    {
        var table = new AskTable<int>();
        table.Add(0, ContainerAsk.Anywhere(new Priority(20), OneGb));
        table.Add(1, ContainerAsk.Anywhere(new Priority(5), OneGb));
        table.Add(2, ContainerAsk.Anywhere(new Priority(20), OneGb));
        table.Remove(1);

        Assert.Equal(["{Priority: 20, Capability: <memory:1024, vCores:1>, # Containers: 2, Location: *, Relax Locality: true}"], Texts(table.All()));
    }

    [Fact]
    public void AllocateBatch_LaterTotalsReplaceEarlier_ReleasesOnce()
    {
        var batch = new AllocateBatch();
        var ask = new ResourceRequest(new Priority(1), "*", OneGb, 3);
        var first = new AmDecisions();
        first.Asks.Add(ask);
        first.Releases.Add(On("h1", 1, 2).Id);
        var second = new AmDecisions();
        second.Asks.Add(ask with { NumContainers = 1 });
        second.Asks.Add(ask with { ResourceName = "h1" });
        second.Releases.Add(On("h1", 1, 2).Id);

        batch.Add(first);
        batch.Add(second);
        var (asks, releases) = batch.Take();

        Assert.Equal([ask with { NumContainers = 1 }, ask with { ResourceName = "h1" }], asks);
        Assert.Single(releases);
        Assert.True(batch.IsEmpty);
    }

    [Theory]
    [InlineData(0, ContainerOutcome.Succeeded)]
    [InlineData(1, ContainerOutcome.Failed)]
    [InlineData(137, ContainerOutcome.Failed)]
    [InlineData(-104, ContainerOutcome.Failed)]   // KILLED_EXCEEDED_PMEM: the task's own doing
    [InlineData(-1000, ContainerOutcome.Failed)]  // INVALID: never started
    [InlineData(-100, ContainerOutcome.Killed)]   // ABORTED
    [InlineData(-101, ContainerOutcome.Killed)]   // DISKS_FAILED
    [InlineData(-102, ContainerOutcome.Killed)]   // PREEMPTED
    [InlineData(-105, ContainerOutcome.Killed)]
    [InlineData(-106, ContainerOutcome.Killed)]
    [InlineData(-107, ContainerOutcome.Killed)]
    public void ContainerOutcomes_ExitStatus_ClassifiedAsHadoopsMastersDo(int exitStatus, ContainerOutcome expected)
    {
        Assert.Equal(expected, ContainerOutcomes.Of(exitStatus));
    }
}
