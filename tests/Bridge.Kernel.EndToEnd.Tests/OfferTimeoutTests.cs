using Bridge.Kernel.Allocation;
using Bridge.Kernel.Master;
using Bridge.Testing;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>The master rescinds offers held past the offer timeout (Mesos' <c>--offer_timeout</c>),
/// on its manual clock, and offers the resources again.</summary>
public class OfferTimeoutTests
{
    [Fact]
    public async Task OfferHeldPastTheTimeout_IsRescinded_AndOfferedAgain()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var timeout = TimeSpan.FromSeconds(30);
        var options = new MasterOptions { TimeProvider = clock, Allocator = new AllocatorOptions { OfferTimeout = timeout } };
        await using var cluster = await Cluster.StartAsync(options);
        await using var framework = await Framework.StartAsync(cluster);
        clock.Advance(options.Allocator.AllocationInterval);
        var offer = await framework.Scheduler.NextOfferAsync();

        clock.Advance(timeout - options.Allocator.AllocationInterval);
        // The snapshot is taken on the master's loop, after the allocation the clock just ran.
        Assert.Contains("bridge_master_offers_rescinded_total 0", (await cluster.Master.Master.SnapshotAsync()).Metrics);
        clock.Advance(options.Allocator.AllocationInterval);

        var rescinded = await framework.Scheduler.Rescinded.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(offer.Id, rescinded);
        Assert.Contains("bridge_master_offers_rescinded_total 1", (await cluster.Master.Master.SnapshotAsync()).Metrics);
        clock.Advance(options.Allocator.AllocationInterval);
        var again = await framework.Scheduler.NextOfferAsync();
        Assert.NotEqual(offer.Id, again.Id);
        Assert.Equal(offer.AgentId, again.AgentId);
    }
}
