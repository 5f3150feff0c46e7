using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1.Operator;
using Bridge.Rpc;
using Bridge.Yarn.Applications.TraceAnalytics;
using Bridge.Yarn.Applications.WordCount;
using Bridge.Yarn.Client;
using Bridge.Yarn.V1;

namespace Bridge.Host.Demo;

/// <summary>Where the demo reaches the system <c>bridge up</c> started.</summary>
/// <param name="Master">The master (operator API over gRPC, <c>/api/v1/state</c>).</param>
/// <param name="Services">The services scheduler (Marathon's <c>/v2</c>).</param>
/// <param name="Jobs">The jobs scheduler (Chronos' <c>/v1/scheduler</c>).</param>
/// <param name="ResourceManager">The YARN ResourceManager (ApplicationClientProtocol).</param>
internal sealed record DemoEndpoints(Uri Master, Uri Services, Uri Jobs, Uri ResourceManager);

/// <summary>
/// <c>bridge up --demo</c>'s work, run against the system through its public APIs, as a user would: the roles' weights
/// (operator API UPDATE_WEIGHTS), the services (POST <c>/v2/apps</c>, then waiting until every instance passes its health
/// check and one answers HTTP), the jobs (POST <c>/v1/scheduler/iso8601</c>, then waiting for a run to succeed and reading
/// its stdout), and the YARN jobs (ApplicationClientProtocol; outputs checked by <see cref="DemoChecks"/>), all at once so
/// that the roles share the pool. Prints progress and, at the end, what ran, where, and what it produced, and the peak
/// dominant share of each role.
/// </summary>
internal sealed class DemoRun(DemoConfig config, DemoEndpoints endpoints, string outputRoot, TextWriter output)
{
    private static readonly TimeSpan ServiceTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan YarnTimeout = TimeSpan.FromMinutes(15);

    private readonly ConcurrentQueue<string> _summary = new();
    private readonly ConcurrentDictionary<string, (double Share, double Weight)> _peakShares = new();
    private readonly object _print = new();

    /// <summary>Runs everything; true when every part did what it should.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        Print("demo", $"roles: {config.Yarn.Role} (YARN) weight {config.Yarn.Weight}, {config.Services.Role} (services) weight {config.Services.Weight}, {config.Jobs.Role} (jobs) weight {config.Jobs.Weight}");
        await SetWeightsAsync(cancellationToken);
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = SampleSharesAsync(sampling.Token);
        var parts = config.Apps.Select(app => Part(Path.GetFileNameWithoutExtension(app), ct => DeployAppAsync(app, ct), ServiceTimeout, cancellationToken))
            .Concat(config.JobFiles.Select(job => Part(Path.GetFileNameWithoutExtension(job), ct => RunJobAsync(job, ct), JobTimeout, cancellationToken)))
            .Concat(config.YarnJobs.Select(job => Part(job.Application, ct => RunYarnJobAsync(job, ct), YarnTimeout, cancellationToken)))
            .ToList();
        var results = await Task.WhenAll(parts);
        await sampling.CancelAsync();
        await sampler;
        output.WriteLine();
        output.WriteLine("demo: what ran, where, and what it produced");
        foreach (var line in _summary) output.WriteLine($"  {line}");
        output.WriteLine("  peak dominant share per role (DRF; a role's share is divided by its weight when the allocator compares them): " +
            string.Join(", ", _peakShares.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.Share:0.000} (weight {p.Value.Weight})"))));
        var failed = results.Count(ok => !ok);
        output.WriteLine(failed == 0 ? $"demo: done, {results.Length} of {results.Length} parts succeeded" : $"demo: FAILED, {failed} of {results.Length} parts did not succeed (see above)");
        return failed == 0;
    }

    private async Task<bool> Part(string name, Func<CancellationToken, Task<string>> run, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            _summary.Enqueue($"{name}: {await run(limit.Token)}");
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or RpcException or IOException or FormatException or DemoException
                                      || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = e is OperationCanceledException ? $"not done after {timeout.TotalMinutes:0} minutes" : e.Message;
            Print(name, $"FAILED: {why}");
            _summary.Enqueue($"{name}: FAILED: {why}");
            return false;
        }
    }

    private async Task SetWeightsAsync(CancellationToken cancellationToken)
    {
        using var channel = RpcChannel.ForAddress(endpoints.Master);
        var call = new Call { Type = Call.Types.Type.UpdateWeights, UpdateWeights = new() };
        foreach (var role in new[] { config.Yarn, config.Services, config.Jobs })
            call.UpdateWeights.WeightInfos.Add(new WeightInfo { Role = role.Role, Weight = role.Weight });
        await new OperatorClient(channel).Call(call, new CallOptions(CancellationToken: cancellationToken));
    }

    private async Task SampleSharesAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = endpoints.Master, Timeout = TimeSpan.FromSeconds(5) };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var state = await http.GetFromJsonAsync<JsonObject>("api/v1/state", cancellationToken);
                foreach (var role in state?["roles"]?.AsArray().OfType<JsonObject>() ?? [])
                {
                    var name = (string?)role["name"] ?? "";
                    var share = (double?)role["dominant_share"] ?? 0;
                    var weight = (double?)role["weight"] ?? 1;
                    _peakShares.AddOrUpdate(name, (share, weight), (_, old) => (Math.Max(old.Share, share), weight));
                }
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // The master is busy or restarting; the next sample will do.
            }
        }
    }

    // ---------------------------------------------------------------- services

    private async Task<string> DeployAppAsync(string file, CancellationToken ct)
    {
        var body = await File.ReadAllTextAsync(file, ct);
        var definition = JsonNode.Parse(body) as JsonObject ?? throw new FormatException($"{file}: not a JSON object");
        var id = ((string?)definition["id"] ?? throw new FormatException($"{file}: no id")).TrimStart('/');
        var instances = (int?)definition["instances"] ?? 1;
        using var http = new HttpClient { BaseAddress = endpoints.Services, Timeout = TimeSpan.FromSeconds(30) };
        using (var posted = await http.PostAsync("v2/apps", new StringContent(body, Encoding.UTF8, "application/json"), ct))
        {
            if ((int)posted.StatusCode == 409)
            {
                using var replaced = await http.PutAsync($"v2/apps/{id}?force=true", new StringContent(body, Encoding.UTF8, "application/json"), ct);
                await EnsureAsync(replaced, $"PUT /v2/apps/{id}", ct);
            }
            else await EnsureAsync(posted, "POST /v2/apps", ct);
        }
        Print(id, $"deployed through the services scheduler: {instances} instance(s), waiting for their health checks");
        var lastLine = "";
        while (true)
        {
            var tasks = (await http.GetFromJsonAsync<JsonObject>($"v2/apps/{id}/tasks", ct))?["tasks"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
            var healthy = tasks.Where(t => t["healthCheckResults"]?.AsArray().Any(r => (bool?)r?["alive"] == true) == true).ToList();
            var line = $"{tasks.Count} task(s), {healthy.Count} healthy";
            if (line != lastLine) Print(id, lastLine = line);
            if (healthy.Count >= instances)
            {
                var where = healthy.Select(t => $"{t["host"]}:{t["ports"]?[0]}").ToList();
                try
                {
                    var answer = await ProbeAsync(healthy[0], ct);
                    return $"{instances} instance(s) healthy on {string.Join(", ", where)} (role {config.Services.Role}); GET / on port {healthy[0]["ports"]?[0]}: {answer}";
                }
                catch (HttpRequestException e)
                {
                    // A work directory used before: the scheduler's last known health until reconciliation says the task is gone.
                    Print(id, lastLine = $"{healthy[0]["id"]} is listed healthy but does not answer ({e.Message}); waiting");
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static async Task<string> ProbeAsync(JsonObject task, CancellationToken ct)
    {
        // Agents of bridge up share this machine: the task listens on 127.0.0.1 at its host port.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var response = await http.GetAsync($"http://127.0.0.1:{task["ports"]?[0]}/", ct);
        return $"{(int)response.StatusCode} {response.ReasonPhrase}, {(await response.Content.ReadAsByteArrayAsync(ct)).Length} bytes";
    }

    // ---------------------------------------------------------------- jobs

    private async Task<string> RunJobAsync(string file, CancellationToken ct)
    {
        var body = await File.ReadAllTextAsync(file, ct);
        var definition = JsonNode.Parse(body) as JsonObject ?? throw new FormatException($"{file}: not a JSON object");
        var name = (string?)definition["name"] ?? throw new FormatException($"{file}: no name");
        using var http = new HttpClient { BaseAddress = endpoints.Jobs, Timeout = TimeSpan.FromSeconds(30) };
        // A work directory used before keeps the job's earlier runs: only a run after this one counts.
        var before = (await RunsAsync(http, name, ct)).Select(r => (long?)r["run"] ?? 0).DefaultIfEmpty(0).Max();
        using (var posted = await http.PostAsync("v1/scheduler/iso8601", new StringContent(body, Encoding.UTF8, "application/json"), ct))
            await EnsureAsync(posted, "POST /v1/scheduler/iso8601", ct);
        Print(name, $"added to the jobs scheduler, schedule {definition["schedule"]}; waiting for its first run");
        var lastLine = "";
        while (true)
        {
            var runs = (await RunsAsync(http, name, ct)).Where(r => ((long?)r["run"] ?? 0) > before).ToList();
            var latest = runs.FirstOrDefault();
            var line = latest is null ? "no run yet" : $"run {latest["run"]} {latest["state"]} on {latest["agentHostname"]}";
            if (line != lastLine) Print(name, lastLine = line);
            if (runs.FirstOrDefault(r => (string?)r["state"] == "SUCCEEDED") is { } done)
            {
                var stdout = (string?)done["stdout"] is { } url ? await ReadSandboxAsync(url, ct) : "(no sandbox)";
                return $"run {done["run"]} succeeded on {done["agentHostname"]} (role {config.Jobs.Role}); stdout: {stdout.Trim()}; it runs again every minute";
            }
            if (runs.FirstOrDefault(r => (string?)r["state"] is "FAILED" or "SKIPPED") is { } bad && runs.Count > 2)
                throw new DemoException($"run {bad["run"]} {bad["state"]}: {bad["message"]}");
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
    }

    /// <summary>The job's runs, newest first; none when the job does not exist yet.</summary>
    private static async Task<List<JsonObject>> RunsAsync(HttpClient http, string name, CancellationToken ct)
    {
        using var response = await http.GetAsync($"v1/scheduler/job/{Uri.EscapeDataString(name)}/history", ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return [];
        await EnsureAsync(response, $"GET /v1/scheduler/job/{name}/history", ct);
        var history = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
        return (history as JsonArray ?? history?["runs"] as JsonArray ?? []).OfType<JsonObject>().ToList();
    }

    private static async Task<string> ReadSandboxAsync(string url, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return (string?)(await http.GetFromJsonAsync<JsonObject>(url, ct))?["data"] ?? "";
    }

    // ---------------------------------------------------------------- YARN

    private async Task<string> RunYarnJobAsync(DemoYarnJob job, CancellationToken ct)
    {
        var name = job.Application;
        var outputDir = Path.Combine(outputRoot, $"{name}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}");
        var jobDir = YarnClusterCommands.NewJobDirectory(name);
        var settings = YarnClusterCommands.Settings(512);
        string? error;
        var prepared = name == "wordcount"
            ? WordCountJob.TryPrepare(new WordCountJobOptions(job.Input, outputDir, job.Reduces, 64 * 1024), jobDir, settings, out _, out error)
            : TraceAnalyticsJob.TryPrepare(new TraceAnalyticsJobOptions(job.Input, outputDir, job.Reduces), jobDir, settings, out _, out error);
        if (!prepared) throw new DemoException(error ?? "the job could not be prepared");
        using var client = new YarnClient(endpoints.ResourceManager);
        var app = await YarnClusterCommands.SubmitApplicationMasterAsync(client, name, "default", jobDir, ct);
        Print(name, $"submitted {app} to the ResourceManager over {job.Input}");
        var last = -1;
        var report = await client.WaitAsync(app, TimeSpan.FromMilliseconds(500), r =>
        {
            var tenth = (int)(r.Progress * 10);
            if (tenth == last) return;
            last = tenth;
            Print(name, $"{r.YarnApplicationState} {r.Progress * 100:0}%");
        }, cancellationToken: ct);
        if (report.FinalApplicationStatus != FinalApplicationStatusProto.AppSucceeded)
            throw new DemoException($"{app} ended {report.YarnApplicationState} {report.FinalApplicationStatus}: {report.Diagnostics}");
        var produced = name == "wordcount" ? DemoChecks.WordCount(job.Input, outputDir) : DemoChecks.TraceAnalytics(job.Input, outputDir);
        foreach (var line in produced.Lines) Print(name, line);
        Print(name, (produced.Correct ? "checked: " : "WRONG: ") + produced.Check);
        if (!produced.Correct) throw new DemoException($"the output in {outputDir} is wrong: {produced.Check}");
        return $"{app} SUCCEEDED (role {config.Yarn.Role}, containers on the fine-grained NodeManagers); output {outputDir}: {string.Join("; ", produced.Lines)}; checked: {produced.Check}";
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
            throw new DemoException($"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    private void Print(string part, string line)
    {
        lock (_print) output.WriteLine($"[{part}] {line}");
    }
}

/// <summary>A part of the demo did not do what it should; the message says what happened.</summary>
internal sealed class DemoException(string message) : Exception(message);
