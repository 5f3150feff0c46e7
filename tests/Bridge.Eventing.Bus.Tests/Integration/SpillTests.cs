using Bridge.Eventing.Bus.Tests.Infrastructure;
using Bridge.Eventing.Client;

namespace Bridge.Eventing.Bus.Tests.Integration;

/// <summary>
/// Shutdown with Kafka gone: the node spills what Kafka did not confirm, acknowledges it as spilled,
/// and on its next start (Kafka back) re-injects it exactly once.
/// </summary>
public sealed class SpillTests
{
    [Fact]
    public async Task Pending_Writes_Are_Spilled_At_Shutdown_And_Reinjected_Exactly_Once()
    {
        await using var bus = await BusHarness.StartAsync(o => o with
        {
            Backends = 1,
            ConfigureBackend = b => b with { DrainTimeout = TimeSpan.FromSeconds(1), KafkaTimeout = TimeSpan.FromSeconds(10) },
        });
        await bus.CreateTopicAsync("spill", 2);
        using var client = bus.Client(new BusClientOptions());
        await using var writer = await client.OpenWriteAsync("spill");
        var first = await writer.AckAsync(await writer.WriteAsync([Values.Record("a", "before-1"), Values.Record("b", "before-2")]));
        Assert.All(first, r => Assert.False(r.Spilled));

        await bus.StopBrokerAsync();
        var sequence = await writer.WriteAsync([Values.Record("a", "during-1"), Values.Record("b", "during-2"), Values.Record("c", "during-3")]);
        var ack = writer.AckAsync(sequence);
        await Testing.Wait.UntilAsync(() => bus.Bus.Backends[0]!.Node.PublishesInFlight > 0, "the Ack reached the node", TimeSpan.FromSeconds(30));
        await bus.Bus.StopBackendAsync(0);

        var spilled = await ack.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, spilled.Count);
        Assert.All(spilled, r => Assert.True(r.Spilled));
        var files = Directory.GetFiles(Path.Combine(bus.SpillRoot, "backend-1"), "spill-*.log");
        Assert.Single(files);

        await bus.StartBrokerAsync();
        var node = await bus.Bus.StartBackendAsync(0);
        Assert.Equal(3, await node.Node.SpillRecovered.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Empty(Directory.GetFiles(Path.Combine(bus.SpillRoot, "backend-1"), "spill-*.log"));
        var texts = bus.ReadRaw("spill", 2, 5).Select(r => Values.Text(r.Message.Value!)).Order().ToList();
        Assert.Equal(["before-1", "before-2", "during-1", "during-2", "during-3"], texts);

        // A second restart finds nothing to re-inject; Kafka still holds each record once.
        await bus.Bus.StopBackendAsync(0);
        node = await bus.Bus.StartBackendAsync(0);
        Assert.Equal(0, await node.Node.SpillRecovered.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(5, bus.Count("spill", 2));
    }
}
