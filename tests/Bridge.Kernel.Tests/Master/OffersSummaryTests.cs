using System.Threading.Channels;
using Bridge.Kernel.Master;
using Bridge.Kernel.Master.Internal;
using Bridge.Kernel.Master.Registry;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Bridge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using OperatorEvent = Bridge.Kernel.V1.Operator.Event;
using SchedulerCall = Bridge.Kernel.V1.Scheduler.Call;
using SchedulerEvent = Bridge.Kernel.V1.Scheduler.Event;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.Tests.Master;

/// <summary>
/// The OFFERS_SUMMARY operator event: deltas of the offer counters since the previous summary, at
/// most once per allocation interval and only when they moved. First the handler on its own (the
/// master's state, no loop), then a master with an agent and a framework registered in process,
/// all on a manual clock.
/// </summary>
public class OffersSummaryTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public void AfterBatch_NothingChanged_PublishesNothing()
    {
        var (clock, s, events) = State();
        var handler = new OffersSummaryHandler(s);

        for (var i = 0; i < 10; i++)
        {
            clock.Advance(Interval);
            handler.AfterBatch();
        }

        Assert.False(events.TryRead(out _));
    }

    [Fact]
    public void AfterBatch_ChangeInsideTheInterval_WaitsForTheIntervalThenPublishesOnce()
    {
        var (clock, s, events) = State();
        var handler = new OffersSummaryHandler(s);
        clock.Advance(TimeSpan.FromMilliseconds(300));
        s.Metrics.OffersMade += 2;
        s.FrameworksOffered.Add(new FrameworkId("f1"));
        s.AgentsOffered.Add(new AgentId("a1"));
        s.AgentsOffered.Add(new AgentId("a2"));

        handler.AfterBatch();
        Assert.False(events.TryRead(out _));

        clock.Advance(TimeSpan.FromMilliseconds(700));
        handler.AfterBatch();
        handler.AfterBatch();

        var summary = Single(events);
        Assert.Equal(2UL, summary.OffersMade);
        Assert.Equal(0UL, summary.OffersDeclined);
        Assert.Equal(0UL, summary.OffersRescinded);
        Assert.Equal(1U, summary.FrameworksOffered);
        Assert.Equal(2U, summary.AgentsOffered);
        Assert.Equal(1.0, summary.WindowSeconds);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, summary.Timestamp);
    }

    [Fact]
    public void AfterBatch_SecondSummary_CarriesOnlyTheDeltasSinceTheFirst()
    {
        var (clock, s, events) = State();
        var handler = new OffersSummaryHandler(s);
        s.Metrics.OffersMade = 5;
        s.FrameworksOffered.Add(new FrameworkId("f1"));
        clock.Advance(Interval);
        handler.AfterBatch();
        Single(events);

        s.Metrics.OffersDeclined += 3;
        s.Metrics.OffersRescinded += 1;
        handler.AfterBatch(); // changed, but not due: the previous summary was just sent
        Assert.False(events.TryRead(out _));
        clock.Advance(TimeSpan.FromSeconds(2.5));
        handler.AfterBatch();

        var summary = Single(events);
        Assert.Equal(0UL, summary.OffersMade);
        Assert.Equal(3UL, summary.OffersDeclined);
        Assert.Equal(1UL, summary.OffersRescinded);
        Assert.Equal(0U, summary.FrameworksOffered); // the sets start again with each window
        Assert.Equal(2.5, summary.WindowSeconds);
    }

    [Fact]
    public async Task Master_OffersThenDecline_PublishesSummariesOnItsLoop_AndNothingWhileIdle()
    {
        var clock = new ManualTimeProvider();
        await using var master = await Bridge.Kernel.Master.Master.StartAsync(new MasterOptions { TimeProvider = clock }, "127.0.0.1:5050");
        var (_, events, close) = await master.OperatorSubscribeAsync();
        try
        {
            await RegisterAgentAsync(master, "agent-1");
            var framework = await SubscribeAsync(master, "summaries");
            clock.Advance(Interval); // a new framework gets offers at the next batch allocation
            var offer = await NextOfferAsync(framework);
            var first = await NextSummaryAsync(events);
            Assert.Equal((1UL, 0UL, 0UL, 1U, 1U, 1UL), Counts(first));
            Assert.Equal(1.0, first.WindowSeconds);

            await master.CallAsync(new SchedulerCall
            {
                Type = SchedulerCall.Types.Type.Decline,
                FrameworkId = new FrameworkID { Value = framework.FrameworkId.Value },
                Decline = new() { OfferIds = { offer.Id }, Filters = new Filters { RefuseSeconds = 3600 } },
            }, framework.StreamId);
            clock.Advance(Interval);
            var second = await NextSummaryAsync(events);
            Assert.Equal((0UL, 1UL, 0UL, 0U, 0U, 0UL), Counts(second));
            Assert.Equal(1.0, second.WindowSeconds);

            // Three idle intervals, then a second agent whose resources are offered at once: the
            // next summary's window spans all of it, so none was published in between.
            for (var i = 0; i < 3; i++) clock.Advance(Interval);
            await RegisterAgentAsync(master, "agent-2");
            var third = await NextSummaryAsync(events);
            Assert.Equal((1UL, 0UL, 0UL, 1U, 1U, 1UL), Counts(third));
            Assert.Equal(3.0, third.WindowSeconds);
            Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, third.Timestamp);
        }
        finally
        {
            close();
        }
    }

    [Fact]
    public async Task Master_Decline_KeepsTheReasonForTheStateAndDashboard_AndOutstandingOffersAreListed()
    {
        var clock = new ManualTimeProvider();
        await using var master = await Bridge.Kernel.Master.Master.StartAsync(new MasterOptions { TimeProvider = clock }, "127.0.0.1:5050");
        await RegisterAgentAsync(master, "agent-1");
        var framework = await SubscribeAsync(master, "declines");
        clock.Advance(Interval);
        var offer = await NextOfferAsync(framework);

        var held = await master.SnapshotAsync();
        Assert.Equal(offer.Id.Value, Assert.Single(held.Offers).Id.Value);
        Assert.Empty(held.RecentDeclines);
        Assert.Contains("\"hostname\": \"agent-1\"", Bridge.Kernel.Master.Http.StateJson.ToJson(held));

        await master.CallAsync(new SchedulerCall
        {
            Type = SchedulerCall.Types.Type.Decline,
            FrameworkId = new FrameworkID { Value = framework.FrameworkId.Value },
            Decline = new() { OfferIds = { offer.Id }, Filters = new Filters { RefuseSeconds = 30 }, Reason = "/web: not enough cpus " + new string('x', 300) },
        }, framework.StreamId);

        var after = await master.SnapshotAsync();
        Assert.Empty(after.Offers);
        var declined = Assert.Single(after.RecentDeclines);
        Assert.Equal((offer.Id.Value, framework.FrameworkId.Value, "agent-1", 30.0), (declined.OfferId, declined.FrameworkId, declined.Hostname, declined.RefuseSeconds));
        Assert.StartsWith("/web: not enough cpus xxx", declined.Reason);
        Assert.Equal(DeclinedOffer.MaxReasonLength, declined.Reason.Length);
        Assert.Equal(Resources.Parse("cpus:2;mem:1024"), declined.Resources);
        using var json = System.Text.Json.JsonDocument.Parse(Bridge.Kernel.Master.Http.StateJson.ToJson(after));
        var row = Assert.Single(json.RootElement.GetProperty("recent_declines").EnumerateArray());
        Assert.Equal(2, row.GetProperty("resources").GetProperty("cpus").GetDouble());
        Assert.Equal(30, row.GetProperty("refuse_seconds").GetDouble());
        Assert.StartsWith("/web: not enough cpus", row.GetProperty("reason").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("offers").GetArrayLength());
    }

    [Fact]
    public async Task Master_KeepsOnlyTheLatestDeclines()
    {
        var clock = new ManualTimeProvider();
        await using var master = await Bridge.Kernel.Master.Master.StartAsync(new MasterOptions { TimeProvider = clock }, "127.0.0.1:5050");
        await RegisterAgentAsync(master, "agent-1");
        var framework = await SubscribeAsync(master, "declines");
        for (var i = 0; i < MasterState.RecentDeclinesKept + 5; i++)
        {
            clock.Advance(Interval);
            var offer = await NextOfferAsync(framework);
            await master.CallAsync(new SchedulerCall
            {
                Type = SchedulerCall.Types.Type.Decline,
                FrameworkId = new FrameworkID { Value = framework.FrameworkId.Value },
                Decline = new() { OfferIds = { offer.Id }, Filters = new Filters { RefuseSeconds = 0 }, Reason = $"decline {i}" },
            }, framework.StreamId);
        }

        var declines = (await master.SnapshotAsync()).RecentDeclines;
        Assert.Equal(MasterState.RecentDeclinesKept, declines.Count);
        Assert.Equal("decline 5", declines[0].Reason);
        Assert.Equal($"decline {MasterState.RecentDeclinesKept + 4}", declines[^1].Reason);
    }

    private static (ManualTimeProvider, MasterState, ChannelReader<OperatorEvent>) State()
    {
        var clock = new ManualTimeProvider();
        var options = new MasterOptions { TimeProvider = clock };
        var s = new MasterState(options, new MasterInfo { Id = options.MasterId }, NullLogger.Instance, new MasterMetrics(), new InMemoryRegistry());
        var events = Channel.CreateUnbounded<OperatorEvent>();
        s.OperatorSubscribers.Add(events);
        return (clock, s, events.Reader);
    }

    private static OperatorEvent.Types.OffersSummary Single(ChannelReader<OperatorEvent> events)
    {
        Assert.True(events.TryRead(out var e));
        Assert.Equal(OperatorEvent.Types.Type.OffersSummary, e.Type);
        Assert.False(events.TryRead(out _));
        return e.OffersSummary;
    }

    private static (ulong Made, ulong Declined, ulong Rescinded, uint Frameworks, uint Agents, ulong Outstanding) Counts(OperatorEvent.Types.OffersSummary s) =>
        (s.OffersMade, s.OffersDeclined, s.OffersRescinded, s.FrameworksOffered, s.AgentsOffered, s.OffersOutstanding);

    private static Task<FrameworkConnection> SubscribeAsync(Bridge.Kernel.Master.Master master, string name) => master.SubscribeAsync(new SchedulerCall
    {
        Type = SchedulerCall.Types.Type.Subscribe,
        Subscribe = new() { FrameworkInfo = new FrameworkInfo { Name = name, User = "root" } },
    });

    private static async Task RegisterAgentAsync(Bridge.Kernel.Master.Master master, string hostname)
    {
        var info = new AgentInfo { Hostname = hostname, Address = "127.0.0.1:1" };
        info.Resources.AddRange(ResourceConversion.ToWire(Resources.Parse("cpus:2;mem:1024")));
        await master.AgentConnectedAsync(new AgentConnection(), new AgentMessage { Register = new() { AgentInfo = info, Version = "test" } });
    }

    private static async Task<Offer> NextOfferAsync(FrameworkConnection framework)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var e in framework.Events.ReadAllAsync(timeout.Token))
            if (e.Type == SchedulerEvent.Types.Type.Offers) return e.Offers.Offers_[0];
        throw new InvalidOperationException("the framework's stream ended before an offer came");
    }

    /// <summary>The next OFFERS_SUMMARY, skipping the other operator events (AGENT_ADDED, FRAMEWORK_ADDED).</summary>
    private static async Task<OperatorEvent.Types.OffersSummary> NextSummaryAsync(ChannelReader<OperatorEvent> events)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var e in events.ReadAllAsync(timeout.Token))
            if (e.Type == OperatorEvent.Types.Type.OffersSummary) return e.OffersSummary;
        throw new InvalidOperationException("the operator stream ended before a summary came");
    }
}
