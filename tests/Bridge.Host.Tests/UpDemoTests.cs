using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bridge.Testing;

namespace Bridge.Host.Tests;

/// <summary>
/// <c>bridge up --demo</c> as a user runs it: the real program, every server on a free loopback port, the demo's parts
/// run through the public APIs to completion with their outputs checked, the dashboard serving the host's sections, and
/// SIGTERM (as Ctrl-C's SIGINT) stopping everything cleanly. The configuration is examples/demo/demo.json's shape with smaller YARN inputs
/// (a few text files; the trace's first 3,000 rows), so the run takes about a minute, not three.
/// </summary>
public sealed class UpDemoTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bridge-demo-test-" + Guid.NewGuid().ToString("N")[..8]);

    private static string Examples()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("no Bridge.sln above the tests"), "examples");
    }

    private static IEnumerable<string> FreePorts(string workDir) =>
        ["up", "--demo", "--work-dir", workDir, "--port", "0", "--broker-port", "0", "--registry-port", "0", "--bus-port", "0",
         "--services-port", "0", "--jobs-port", "0", "--yarn-rm-port", "0", "--yarn-port", "0"];

    [Fact]
    public async Task TheDemo_RunsToCompletionWithCheckedOutputs_AndSigtermStopsEverything()
    {
        var examples = Examples();
        var text = Directory.CreateDirectory(Path.Combine(_root, "text")).FullName;
        await File.WriteAllTextAsync(Path.Combine(text, "a.txt"), "the pool serves yarn and services\nthe pool serves jobs\n");
        await File.WriteAllTextAsync(Path.Combine(text, "b.txt"), "one pool\tfor all\n");
        var trace = Path.Combine(_root, "trace.csv");
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(examples, "data", "alibaba-2017-batch_task.csv.gz")), CompressionMode.Decompress)))
        await using (var writer = new StreamWriter(trace))
            for (var i = 0; i < 3_001 && await reader.ReadLineAsync() is { } line; i++) await writer.WriteLineAsync(line);
        var config = Path.Combine(_root, "demo.json");
        await File.WriteAllTextAsync(config, new JsonObject
        {
            ["agents"] = 3,
            ["roles"] = new JsonObject
            {
                ["yarn"] = new JsonObject { ["role"] = "yarn", ["weight"] = 2 },
                ["services"] = new JsonObject { ["role"] = "services", ["weight"] = 1 },
                ["jobs"] = new JsonObject { ["role"] = "jobs", ["weight"] = 1 },
            },
            ["services"] = new JsonArray(Path.Combine(examples, "services", "web.json")),
            ["jobs"] = new JsonArray(Path.Combine(examples, "demo", "every-minute.json")),
            ["yarn"] = new JsonArray(
                new JsonObject { ["application"] = "wordcount", ["input"] = text, ["reduces"] = 2 },
                new JsonObject { ["application"] = "trace-analytics", ["input"] = trace, ["reduces"] = 2 }),
        }.ToJsonString());

        using var up = BridgeProgram.Start([.. FreePorts(Path.Combine(_root, "work")), "--demo-config", config]);
        try
        {
            var done = await up.WaitForLinesAsync(lines => lines.Any(l => l.StartsWith("demo: done") || l.StartsWith("demo: FAILED")), TimeSpan.FromMinutes(5));
            Assert.True(done, $"the demo did not end in 5 minutes\nstdout:\n{up.Stdout}\nstderr:\n{up.Stderr}");
            var lines = up.Lines;
            Assert.Contains("demo: done, 4 of 4 parts succeeded", lines);
            Assert.Contains(lines, l => l.StartsWith("[wordcount] checked: every count equals an in-process count"));
            Assert.Contains(lines, l => l.StartsWith("[wordcount] 14 words, 10 distinct; most frequent: pool 3, serves 2, the 2, all 1, and 1"));
            Assert.Contains(lines, l => l.StartsWith("[trace-analytics] checked: jobs, tasks, instances and core-seconds equal a pass"));
            Assert.Contains(lines, l => l.StartsWith("  web: 2 instance(s) healthy on agent-") && l.Contains("(role services); GET / on port") && l.Contains(": 200 OK"));
            Assert.Contains(lines, l => l.StartsWith("  every-minute: run 1 succeeded on agent-") && l.Contains("(role jobs); stdout: ") && l.Contains("every-minute ran on"));
            Assert.Equal(3, lines.Count(l => l.StartsWith("  agent-")));

            // The dashboard is up, with the host's YARN and bus sections.
            var master = lines.Single(l => l.StartsWith("  master ")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            using var http = new HttpClient { BaseAddress = new Uri(master) };
            var panels = await http.GetFromJsonAsync<JsonArray>("api/v1/panels");
            Assert.Equal(["YARN", "Event bus"], panels!.Select(p => (string?)p!["title"]));
            Assert.Contains("bridge.tasks", panels![1]!.ToJsonString());
            var state = await http.GetFromJsonAsync<JsonObject>("api/v1/state");
            var weights = state!["roles"]!.AsArray().ToDictionary(r => (string)r!["name"]!, r => (double)r!["weight"]!);
            Assert.Equal(2, weights["yarn"]);
            Assert.Equal(1, weights["services"]);
        }
        finally
        {
            up.Terminate();
            Assert.True(await up.WaitForExitAsync(TimeSpan.FromSeconds(90)), $"bridge up did not stop on SIGTERM\n{up.Stdout}");
        }
        Assert.Equal(0, up.ExitCode);
        Assert.Contains("stopping: killing tasks", up.Lines);
    }

    [Fact]
    public async Task ABadDemoConfiguration_IsRefusedBeforeAnythingStarts_NamingTheField()
    {
        Directory.CreateDirectory(_root);
        var config = Path.Combine(_root, "demo.json");
        var examples = Examples();
        var good = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(examples, "demo", "demo.json")))!.AsObject();
        // The shipped file's paths are relative to examples/demo; this copy is elsewhere.
        good["services"] = new JsonArray(Path.Combine(examples, "services", "web.json"));
        good["jobs"] = new JsonArray(Path.Combine(examples, "demo", "every-minute.json"));
        foreach (var job in good["yarn"]!.AsArray()) job!["input"] = Path.GetFullPath(Path.Combine(examples, "demo", (string)job["input"]!));
        good["agents"] = 0;
        await File.WriteAllTextAsync(config, good.ToJsonString());

        using var zero = await BridgeProgram.RunAsync([.. FreePorts(Path.Combine(_root, "work")), "--demo-config", config], TimeSpan.FromSeconds(60));

        Assert.Equal(2, zero.ExitCode);
        Assert.Contains($"{config}: agents: 0 is not 1 to 16", zero.Stderr);

        good["agents"] = 3;
        good["yarn"]![0]!["application"] = "terasort";
        await File.WriteAllTextAsync(config, good.ToJsonString());
        using var unknown = await BridgeProgram.RunAsync([.. FreePorts(Path.Combine(_root, "work")), "--demo-config", config], TimeSpan.FromSeconds(60));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("yarn[0].application: 'terasort' is not one of wordcount, trace-analytics", unknown.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_root, "work")));
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A sandbox file still held by a task the agent is killing; the temp directory is cleaned by the OS.
        }
    }
}
