using System.Net;
using System.Text.Json;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Services.Tests.Api;

/// <summary><c>/v2/queue</c>: what waits to launch and why the offers did not fit; resetting a backoff.</summary>
public sealed class QueueApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> QueueAsync(string query = "") =>
        (await _host.GetAsync("/v2/queue" + query)).Is(HttpStatusCode.OK).Json.GetProperty("queue");

    private static int Declined(JsonElement summary, string funnel, string reason) =>
        summary.GetProperty(funnel).EnumerateArray().Single(s => s.GetProperty("reason").GetString() == reason).GetProperty("declined").GetInt32();

    [Fact]
    public async Task An_App_Whose_Offers_Are_Too_Small_Shows_InsufficientCpus()
    {
        await _host.CreateAsync("{\"id\": \"/big\", \"cmd\": \"sleep 100\", \"cpus\": 8, \"instances\": 2}");
        _host.Services.Time.Advance(TimeSpan.FromSeconds(3));
        await _host.Services.OfferAsync("a1", "cpus:2;mem:4096;ports:[31000-31009]");
        await _host.Services.OfferAsync("a2", "cpus:4;mem:4096;ports:[31000-31009]");

        var item = Assert.Single((await QueueAsync()).EnumerateArray());
        Assert.Equal("/big", item.GetProperty("app").GetProperty("id").GetString());
        Assert.Equal(2, item.GetProperty("count").GetInt32());
        Assert.Equal("*", item.GetProperty("role").GetString());
        Assert.Equal("2026-11-22T12:00:00.000Z", item.GetProperty("since").GetString()); // its deployment's start
        var delay = item.GetProperty("delay");
        Assert.Equal((0, true, false), (delay.GetProperty("timeLeftSeconds").GetInt32(), delay.GetProperty("overdue").GetBoolean(), delay.GetProperty("cooldown").GetBoolean()));
        var summary = item.GetProperty("processedOffersSummary");
        Assert.Equal((2, 2), (summary.GetProperty("processedOffersCount").GetInt32(), summary.GetProperty("unusedOffersCount").GetInt32()));
        Assert.Equal("2026-11-22T12:00:03.000Z", summary.GetProperty("lastUnusedOfferAt").GetString());
        Assert.Equal(2, Declined(summary, "rejectSummaryLaunchAttempt", "InsufficientCpus"));
        Assert.Equal(2, Declined(summary, "rejectSummaryLastOffers", "InsufficientCpus"));
        Assert.Equal(0, Declined(summary, "rejectSummaryLaunchAttempt", "InsufficientMemory"));
        Assert.False(item.TryGetProperty("lastUnusedOffers", out _));

        var offers = (await QueueAsync("?embed=lastUnusedOffers"))[0].GetProperty("lastUnusedOffers").EnumerateArray().ToList();
        Assert.Equal(["a1", "a2"], offers.Select(o => o.GetProperty("offer").GetProperty("agentId").GetString()).Order());
        Assert.All(offers, o => Assert.Equal("InsufficientCpus", Assert.Single(o.GetProperty("reason").EnumerateArray()).GetString()));
    }

    [Fact]
    public async Task A_Constraint_That_Cannot_Be_Met_Shows_UnfulfilledConstraint()
    {
        await _host.CreateAsync(ApiHost.App("/web", "\"constraints\": [[\"rack\", \"IS\", \"r9\"]]"));
        await _host.Services.OfferAsync("a1", attributes: "rack:r1");
        var summary = (await QueueAsync())[0].GetProperty("processedOffersSummary");
        Assert.Equal(1, Declined(summary, "rejectSummaryLaunchAttempt", "UnfulfilledConstraint"));
    }

    [Fact]
    public async Task A_Backing_Off_App_Shows_Its_Delay_Until_It_Is_Reset()
    {
        await _host.CreateAsync(ApiHost.App("/web", "\"backoffSeconds\": 60"));
        await _host.Services.OfferAsync("a1");
        var task = Assert.Single(await _host.Services.TasksOfAsync("/web"));
        _host.Services.Time.Advance(TimeSpan.FromSeconds(10));
        await _host.Services.StatusAsync(task, TaskState.TaskFailed);
        _host.Services.Time.Advance(TimeSpan.FromSeconds(0.5));

        var delay = (await QueueAsync())[0].GetProperty("delay");
        Assert.Equal(60, delay.GetProperty("timeLeftSeconds").GetInt32()); // 59.5 s, rounded up
        Assert.False(delay.GetProperty("overdue").GetBoolean());
        Assert.Empty((await _host.Services.OfferAsync("a1")).Launches);

        (await _host.DeleteAsync("/v2/queue/web/delay")).Is(HttpStatusCode.NoContent);
        Assert.True((await QueueAsync())[0].GetProperty("delay").GetProperty("overdue").GetBoolean());
        Assert.Single((await _host.Services.OfferAsync("a1")).Launches);
        Assert.Empty((await QueueAsync()).EnumerateArray());
    }

    [Fact]
    public async Task Resetting_The_Delay_Of_An_App_Not_Waiting_Is_404()
    {
        await _host.RunningWebAsync(1);
        var reply = (await _host.DeleteAsync("/v2/queue/web/delay")).Is(HttpStatusCode.NotFound);
        Assert.Equal("Application /web not found in tasks queue.", reply.Json.GetProperty("message").GetString());
        (await _host.DeleteAsync("/v2/queue/nope/delay")).Is(HttpStatusCode.NotFound);
        (await _host.DeleteAsync("/v2/queue/web")).Is(HttpStatusCode.NotFound);
    }
}
