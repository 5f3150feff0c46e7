using System.Net;
using Bridge.Kernel.Master;
using Bridge.Kernel.Master.Http;
using Bridge.Kernel.V1;
using Microsoft.Playwright;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>
/// The master's dashboard in a real browser: Debian's Chromium, driven headless by Playwright (never a downloaded
/// browser). A master and an agent on loopback, a framework launching real tasks; the page must show them as they happen
/// (operator events over Server-Sent Events), read a task's stdout through the master, show why an offer was declined,
/// and render a section its host supplies. A screenshot is saved under the test output (TestResults/dashboard.png).
/// </summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly float Timeout = 30_000;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: ./test.sh installs Debian's chromium");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    [Fact]
    public async Task ALaunchedTask_AppearsWithItsStateAndItsStdoutIsReadable_DeclinesShowTheirReason_HostSectionsRender()
    {
        var panel = new DashboardPanel("Test section", _ => Task.FromResult<IReadOnlyList<DashboardTable>>(
            [new DashboardTable("Things the host knows", ["name", "value"], [["answer", "42"]])]));
        var failing = new DashboardPanel("Broken section", _ => throw new InvalidOperationException("the source is down"));
        await using var cluster = await Cluster.StartAsync(new MasterOptions { DashboardPanels = [panel, failing] });
        await using var framework = await Framework.StartAsync(cluster, new FrameworkInfo { Name = "dashboard-e2e", User = "root" });
        var page = await _browser!.NewPageAsync(new() { ViewportSize = new() { Width = 1300, Height = 1000 } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(cluster.Master.Address.ToString());

        // The agent and the framework are on the page before any task.
        await Expect(page.Locator("#agents tbody tr[data-agent-id]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Expect(page.Locator("#agents tbody")).ToContainTextAsync("agent-1");
        await Expect(page.Locator("#frameworks tbody")).ToContainTextAsync("dashboard-e2e", new() { Timeout = Timeout });

        // A task launched now appears (pushed by the operator event stream), running, then finished.
        var first = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(first, [Framework.Command("greeter", "echo hello from the dashboard test; sleep 3")]);
        var row = page.Locator("#tasks tbody tr[data-task-id=greeter]");
        await Expect(row).ToContainTextAsync("TASK_RUNNING", new() { Timeout = Timeout });
        await Expect(page.Locator("#events li[data-type=TASK_ADDED]")).ToContainTextAsync("greeter", new() { Timeout = Timeout });

        // Its stdout, read through the master from the agent's sandbox.
        await row.Locator("a[data-file=stdout]").ClickAsync();
        await Expect(page.Locator("#sandbox-text")).ToContainTextAsync("hello from the dashboard test", new() { Timeout = Timeout });
        await framework.Scheduler.WaitForAsync("greeter", TaskState.TaskFinished);
        await Expect(row).ToContainTextAsync("TASK_FINISHED", new() { Timeout = Timeout });

        // An offer declined with a reason: the reason is shown.
        var second = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.DeclineAsync([second.Id], refuseSeconds: 60, reason: "dashboard test: nothing to run");
        await Expect(page.Locator("#declines tbody")).ToContainTextAsync("dashboard test: nothing to run", new() { Timeout = Timeout });

        // The host's sections: a table, and the error of one that failed.
        await Expect(page.Locator("section[data-panel='Test section'] table")).ToContainTextAsync("42", new() { Timeout = Timeout });
        await Expect(page.Locator("section[data-panel='Broken section'] .error")).ToContainTextAsync("the source is down");
        // The role's dominant share is charted.
        await Expect(page.Locator("#shares polyline")).Not.ToHaveCountAsync(0, new() { Timeout = Timeout });

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TheDashboardsHttpRoutes_AnswerBadRequestsWithClearErrors()
    {
        await using var cluster = await Cluster.StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Master.Address };

        using var page = await http.GetAsync("/");
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        Assert.Contains("/dashboard.js", await page.Content.ReadAsStringAsync());
        Assert.Contains("EventSource", await http.GetStringAsync("/dashboard.js"));

        using var missing = await http.GetAsync("/api/v1/files/read?path=x/stdout");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("agent_id and path are required", await missing.Content.ReadAsStringAsync());
        using var unknown = await http.GetAsync("/api/v1/files/read?agent_id=nobody&path=x/stdout");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no registered agent nobody", await unknown.Content.ReadAsStringAsync());
        var agent = (await cluster.Agents[0].Agent.Registered).Value;
        using var escape = await http.GetAsync($"/api/v1/files/read?agent_id={agent}&path=../../etc/passwd");
        Assert.Equal(HttpStatusCode.BadRequest, escape.StatusCode); // the agent's own check, passed through
        Assert.Equal("[]", await http.GetStringAsync("/api/v1/panels"));

        // The event stream: SUBSCRIBED first, as a Server-Sent Event.
        using var events = await http.GetAsync("/api/v1/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        Assert.Equal("event: SUBSCRIBED", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("data: {", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
