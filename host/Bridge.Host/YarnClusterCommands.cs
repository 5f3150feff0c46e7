using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Yarn.Applications.MapReduce;
using Bridge.Yarn.Applications.TraceAnalytics;
using Bridge.Yarn.Applications.WordCount;
using Bridge.Yarn.Client;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Host;

/// <summary>
/// <c>bridge yarn resourcemanager|flexup|flexdown|status|submit</c>: run the YARN side (the embedded ResourceManager
/// with the bridge framework in it, as Myriad ran), and the client verbs on it: Myriad's flexup and flexdown
/// (<c>PUT /api/cluster/flexup</c> on 127.0.0.1:8192), the bridge's and the ResourceManager's state, and submitting the
/// shipped applications to the ResourceManager (ApplicationClientProtocol over gRPC on 127.0.0.1:8088).
/// </summary>
internal static class YarnClusterCommands
{
    private const string DefaultBridge = "http://127.0.0.1:8192";
    private const string DefaultRm = "http://127.0.0.1:8088";

    public static IEnumerable<Command> Create()
    {
        var bridge = new Option<string>("--bridge") { Description = "The YARN bridge's REST API (Myriad's).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_YARN") ?? DefaultBridge };
        var rm = new Option<string>("--rm") { Description = "The ResourceManager (gRPC and REST on one port).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_YARN_RM") ?? DefaultRm };
        yield return ResourceManager();
        yield return Flex("flexup", "Add NodeManagers of a profile (Myriad's PUT /api/cluster/flexup).", bridge);
        yield return Flex("flexdown", "Decommission NodeManagers of a profile gracefully (Myriad's PUT /api/cluster/flexdown).", bridge);
        yield return Status(bridge, rm);
        yield return Submit(rm);
    }

    private static Command ResourceManager()
    {
        var master = SchedulerCommand.MasterOption();
        var port = new Option<int>("--port") { Description = "The ResourceManager's port on 127.0.0.1 (gRPC protocols and /ws/v1/cluster).", DefaultValueFactory = _ => UpCommand.EnvironmentInt("BRIDGE_YARN_RM_PORT", 8088) };
        var bridgePort = new Option<int>("--bridge-port") { Description = "The bridge's REST port on 127.0.0.1 (Myriad's /api).", DefaultValueFactory = _ => UpCommand.EnvironmentInt("BRIDGE_YARN_PORT", 8192) };
        var workDir = new Option<string>("--work-dir")
        {
            Description = "Where the bridge keeps its state (WORK_DIR/yarn-bridge.db).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_YARN_WORK_DIR") ?? Path.Combine(Path.GetTempPath(), "bridge-yarn"),
        };
        var role = new Option<string>("--role") { Description = "The role NodeManagers and YARN containers run under.", DefaultValueFactory = _ => "yarn" };
        var instances = new Option<string[]>("--nm-instances") { Description = "NodeManagers flexed up at the first start, PROFILE=N (Myriad's nmInstances), e.g. zero=3.", AllowMultipleArgumentsPerToken = true };
        var vcores = new Option<double>("--vcores-per-cpu") { Description = "YARN vcores per kernel cpu (Hadoop's pcores-vcores-multiplier).", DefaultValueFactory = _ => 1 };
        var command = new Command("resourcemanager", "Run the embedded ResourceManager with the YARN bridge framework in it until interrupted.") { master, port, bridgePort, workDir, role, instances, vcores };
        command.SetAction(async (parse, cancellationToken) =>
        {
            const string name = "bridge yarn resourcemanager";
            if (SchedulerCommand.Masters(parse.GetValue(master)!, name) is not { } masters) return 2;
            var masterUri = masters[0];
            if (!TryInstances(parse.GetValue(instances) ?? [], out var initial, out var bad)) return RestClient.Fail(name, bad, 2);
            using var logs = Logging.Create();
            if (await YarnUp.StartAsync(masters, parse.GetValue(workDir)!, parse.GetValue(port), parse.GetValue(bridgePort), parse.GetValue(role)!,
                    initial, parse.GetValue(vcores), logs, name, cancellationToken) is not { } yarn) return 1;
            await using (yarn)
            {
                Console.WriteLine($"resourcemanager listening on {yarn.ResourceManager.Address.ToString().TrimEnd('/')} (YARN protocols over gRPC, /ws/v1/cluster)");
                Console.WriteLine($"yarn bridge listening on {yarn.Bridge.Address.ToString().TrimEnd('/')} (/api/cluster/flexup, /api/state) master {string.Join(",", masters.Select(m => m.ToString().TrimEnd('/')))}");
                await Shutdown.WaitAsync(cancellationToken);
            }
            return 0;
        });
        return command;
    }

    /// <summary>Parses <c>PROFILE=N</c> pairs.</summary>
    internal static bool TryInstances(IEnumerable<string> pairs, out Dictionary<string, int> instances, out string error)
    {
        instances = new Dictionary<string, int>(StringComparer.Ordinal);
        error = "";
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0 || !int.TryParse(pair[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                error = $"--nm-instances '{pair}' is not PROFILE=N";
                return false;
            }
            instances[pair[..eq]] = n;
        }
        return true;
    }

    private static Command Flex(string verb, string description, Option<string> bridge)
    {
        var profile = new Option<string>("--profile") { Description = "The NodeManager profile: zero, small, medium, large or a configured one.", Required = true };
        var instances = new Option<int>("--instances") { Description = "How many NodeManagers.", DefaultValueFactory = _ => 1 };
        var constraints = new Option<string[]>("--constraint") { Description = "Where, as Myriad writes it: 'hostname LIKE agent-[0-9]' or 'ATTRIBUTE LIKE REGEX'." };
        var command = new Command(verb, description) { bridge, profile, instances, constraints };
        command.SetAction((parse, ct) => RestClient.RunAsync($"bridge yarn {verb}", parse.GetValue(bridge)!, "YARN bridge", async http =>
        {
            var body = new JsonObject
            {
                ["instances"] = parse.GetValue(instances),
                ["profile"] = parse.GetValue(profile),
                ["constraints"] = new JsonArray([.. (parse.GetValue(constraints) ?? []).Select(c => (JsonNode)c!)]),
            };
            using var response = await http.PutAsync($"api/cluster/{verb}", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) return RestClient.Fail($"bridge yarn {verb}", $"{(int)response.StatusCode}: {text}", 2);
            Console.WriteLine(text.Length > 0 ? text : $"{verb}: {parse.GetValue(instances)} x {parse.GetValue(profile)} accepted");
            return 0;
        }));
        return command;
    }

    private static Command Status(Option<string> bridge, Option<string> rm)
    {
        var command = new Command("status", "Show the bridge's NodeManagers and placeholders (/api/state) and YARN's metrics (/ws/v1/cluster/metrics).") { bridge, rm };
        command.SetAction((parse, ct) => RestClient.RunAsync("bridge yarn status", parse.GetValue(bridge)!, "YARN bridge", async http =>
        {
            var state = await http.GetFromJsonAsync<JsonObject>("api/state", ct) ?? [];
            Console.WriteLine($"framework {state["frameworkId"]}");
            foreach (var nm in state["nodeManagers"]?.AsArray() ?? [])
                Console.WriteLine($"  {nm!["taskId"],-50} {nm["state"],-9} {nm["profile"],-7} {nm["nodeId"] ?? nm["hostname"] ?? "-",-22} placeholders {nm["placeholders"]}"
                    + (nm["lastRejection"] is { } why ? $"  waiting: {why}" : ""));
            using var yarn = new HttpClient { BaseAddress = new Uri(ServicesCommand.Address(parse.GetValue(rm)!).TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
            var metrics = (await yarn.GetFromJsonAsync<JsonObject>("ws/v1/cluster/metrics", ct))?["clusterMetrics"];
            if (metrics is not null)
                Console.WriteLine($"yarn: nodes {metrics["activeNodes"]} active, {metrics["totalMB"]} MB / {metrics["totalVirtualCores"]} vcores total, "
                    + $"{metrics["allocatedMB"]} MB allocated, apps {metrics["appsRunning"]} running / {metrics["appsPending"]} pending, "
                    + $"containers {metrics["containersAllocated"]} allocated / {metrics["containersPending"]} pending");
            return 0;
        }));
        return command;
    }

    private static Command Submit(Option<string> rm)
    {
        var submit = new Command("submit", "Submit a shipped YARN application to the ResourceManager and follow it to the end.");
        var input = new Option<string>("--input") { Description = "A file or directory (read recursively).", Required = true };
        var output = new Option<string>("--output") { Description = "The output directory (must not exist).", Required = true };
        var reduces = new Option<int>("--reduces") { Description = "Reduce tasks.", DefaultValueFactory = _ => 2 };
        var splitMb = new Option<int>("--split-mb") { Description = "Input split size, MB (wordcount).", DefaultValueFactory = _ => 1 };
        var containerMb = new Option<int>("--container-mb") { Description = "MB per map and reduce container.", DefaultValueFactory = _ => 512 };
        var queue = new Option<string>("--queue") { Description = "The YARN queue.", DefaultValueFactory = _ => "default" };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the application id and return." };
        var wordcount = new Command("wordcount", "Word count (MapReduce's example): counts of each word of --input, in --output/part-r-*.") { rm, input, output, reduces, splitMb, containerMb, queue, noWait };
        wordcount.SetAction((parse, ct) =>
        {
            var settings = Settings(parse.GetValue(containerMb));
            var options = new WordCountJobOptions(Path.GetFullPath(parse.GetValue(input)!), Path.GetFullPath(parse.GetValue(output)!),
                parse.GetValue(reduces), parse.GetValue(splitMb) * 1024L * 1024);
            return SubmitAsync("wordcount", parse.GetValue(rm)!, parse.GetValue(queue)!, parse.GetValue(noWait), (jobDir) =>
                WordCountJob.TryPrepare(options, jobDir, settings, out _, out var error) ? null : error, ct);
        });
        var traceInput = new Option<string>("--input") { Description = "The Alibaba 2017 batch_task table (CSV).", Required = true };
        var traceOutput = new Option<string>("--output") { Description = "The output directory (must not exist).", Required = true };
        var analytics = new Command("trace-analytics", "Analytics over the Alibaba 2017 batch trace: per-job task counts, spans and instance totals.") { rm, traceInput, traceOutput, reduces, containerMb, queue, noWait };
        analytics.SetAction((parse, ct) =>
        {
            var settings = Settings(parse.GetValue(containerMb));
            var options = new TraceAnalyticsJobOptions(Path.GetFullPath(parse.GetValue(traceInput)!), Path.GetFullPath(parse.GetValue(traceOutput)!), parse.GetValue(reduces));
            return SubmitAsync("trace-analytics", parse.GetValue(rm)!, parse.GetValue(queue)!, parse.GetValue(noWait), jobDir =>
                TraceAnalyticsJob.TryPrepare(options, jobDir, settings, out _, out var error) ? null : error, ct);
        });
        submit.Subcommands.Add(wordcount);
        submit.Subcommands.Add(analytics);
        return submit;
    }

    /// <summary>A fresh job directory for <paramref name="application"/>: <c>$TMPDIR/bridge-yarn-jobs/APPLICATION-TIME-ID</c>.</summary>
    internal static string NewJobDirectory(string application) =>
        Path.Combine(Path.GetTempPath(), "bridge-yarn-jobs", $"{application}-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..48]);

    /// <summary>Submits the ApplicationMaster of a prepared job (<c>bridge yarn am APPLICATION --job-dir DIR</c>, 512 MB, 1 vcore)
    /// through ApplicationClientProtocol; returns the application id.</summary>
    /// <exception cref="Bridge.Rpc.RpcException">The ResourceManager refused the submission or cannot be reached.</exception>
    internal static Task<Bridge.Yarn.ResourceManager.Records.ApplicationId> SubmitApplicationMasterAsync(YarnClient client, string application, string queue, string jobDir,
        CancellationToken ct)
    {
        var command = string.Join(' ', YarnCommand.Self().Concat(["yarn", "am", application, "--job-dir", jobDir]).Select(ApplicationMasterRunner.ShellQuote))
            + " 1><LOG_DIR>/am.stdout 2><LOG_DIR>/am.stderr";
        return client.SubmitAsync(new YarnSubmission(application, "MAPREDUCE", queue, new Resource(512, 1),
            new ContainerLaunchContext([command], new Dictionary<string, string>(), new Dictionary<string, LocalResource>())), ct);
    }

    internal static MapReduceSettings Settings(int containerMb) => new() { MapMemoryMb = containerMb, ReduceMemoryMb = containerMb };

    /// <summary>Prepares the job (its <c>job.json</c> in a fresh job directory), submits its ApplicationMaster
    /// (<c>bridge yarn am APPLICATION --job-dir DIR</c>) and follows it to a final state.</summary>
    /// <returns>0 when it SUCCEEDED; 1 when it failed, was killed, or the ResourceManager cannot be reached; 2 for bad input.</returns>
    private static async Task<int> SubmitAsync(string application, string rm, string queue, bool noWait, Func<string, string?> prepare, CancellationToken ct)
    {
        var name = $"bridge yarn submit {application}";
        var jobDir = NewJobDirectory(application);
        if (prepare(jobDir) is { } error) return RestClient.Fail(name, error, 2);
        if (!Uri.TryCreate(ServicesCommand.Address(rm), UriKind.Absolute, out var rmUri)) return RestClient.Fail(name, $"'{rm}' is not an address", 2);
        using var client = new YarnClient(rmUri);
        Bridge.Yarn.ResourceManager.Records.ApplicationId app;
        try
        {
            app = await SubmitApplicationMasterAsync(client, application, queue, jobDir, ct);
        }
        catch (Bridge.Rpc.RpcException e)
        {
            return RestClient.Fail(name, $"the ResourceManager at {rmUri} refused or cannot be reached: {e.Message} (is ./bridge up running?)");
        }
        Console.WriteLine($"submitted {app} ({application}, job dir {jobDir})");
        if (noWait) return 0;
        string? last = null;
        var report = await client.WaitAsync(app, TimeSpan.FromMilliseconds(500), r =>
        {
            var line = $"{app} {r.YarnApplicationState} progress {r.Progress * 100:0}%";
            if (line == last) return;
            last = line;
            Console.WriteLine(line);
        }, cancellationToken: ct);
        Console.WriteLine($"{app} {report.YarnApplicationState} {report.FinalApplicationStatus}{(report.Diagnostics.Length > 0 ? ": " + report.Diagnostics : "")}");
        return report.FinalApplicationStatus == FinalApplicationStatusProto.AppSucceeded ? 0 : 1;
    }
}
