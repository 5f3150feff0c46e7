using Bridge.Eventing.Log.Topics;

namespace Bridge.Eventing.Log.Tests;

/// <summary>Messages per second per topic from successive end-offset samples (the dashboard's bus section).</summary>
public class TopicRatesTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch.AddDays(20_000);

    private static Dictionary<string, long> Ends(params (string Topic, long End)[] ends) => ends.ToDictionary(e => e.Topic, e => e.End);

    [Fact]
    public void FirstSample_HasNoRate()
    {
        Assert.Empty(new TopicRates(TimeSpan.FromSeconds(30)).Record(T0, Ends(("bridge.tasks", 10))));
    }

    [Fact]
    public void Rate_IsTheGrowthSinceTheOldestSampleInTheWindow()
    {
        var rates = new TopicRates(TimeSpan.FromSeconds(30));
        rates.Record(T0, Ends(("bridge.tasks", 100), ("bridge.jobs", 5)));
        rates.Record(T0.AddSeconds(10), Ends(("bridge.tasks", 150), ("bridge.jobs", 5)));

        var now = rates.Record(T0.AddSeconds(20), Ends(("bridge.tasks", 300), ("bridge.jobs", 5), ("bridge.new", 7)));

        Assert.Equal(10.0, now["bridge.tasks"]); // (300 - 100) / 20 s
        Assert.Equal(0.0, now["bridge.jobs"]);
        Assert.False(now.ContainsKey("bridge.new")); // no earlier sample of it
    }

    [Fact]
    public void SamplesOlderThanTheWindow_AreDropped()
    {
        var rates = new TopicRates(TimeSpan.FromSeconds(30));
        rates.Record(T0, Ends(("t", 0)));
        rates.Record(T0.AddSeconds(25), Ends(("t", 1000)));

        var now = rates.Record(T0.AddSeconds(45), Ends(("t", 1400)));

        Assert.Equal(20.0, now["t"]); // from the 25 s sample: 400 / 20 s; the first is 45 s old
    }

    [Fact]
    public void ALogWhoseEndWentBack_CountsAsNoGrowth()
    {
        // A topic deleted and re-created restarts its offsets: no negative rate.
        var rates = new TopicRates(TimeSpan.FromSeconds(30));
        rates.Record(T0, Ends(("t", 500)));

        Assert.Equal(0.0, rates.Record(T0.AddSeconds(5), Ends(("t", 3)))["t"]);
    }
}
