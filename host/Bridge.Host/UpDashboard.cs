using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bridge.Eventing.Log.Topics;
using Bridge.Kernel.Master.Http;

namespace Bridge.Host;

/// <summary>
/// The sections <c>bridge up</c> adds to the master's dashboard (<see cref="DashboardPanel"/>): the YARN bridge's
/// NodeManagers with what YARN runs on them, YARN's applications and the running ones' containers (read over the bridge's Myriad <c>/api/state</c>
/// and the ResourceManager's <c>/ws/v1/cluster</c>, as any client would); the embedded broker's topics with their
/// message rates (<see cref="TopicRates"/> over the broker's logs).
/// </summary>
internal static class UpDashboard
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    /// <summary>The YARN section: NodeManagers (Myriad's view joined with YARN's by node id), the latest applications, and the
    /// containers of the running ones (<c>/apps/{id}/appattempts/{attempt}/containers</c>).</summary>
    /// <param name="addresses">The YARN bridge's REST address (Myriad's <c>/api</c>) and the ResourceManager's
    /// (<c>/ws/v1/cluster</c>); null while they are starting.</param>
    public static DashboardPanel Yarn(Func<(Uri Bridge, Uri ResourceManager)?> addresses) => new("YARN", async ct =>
    {
        var (bridge, resourceManager) = addresses() ?? throw new InvalidOperationException("YARN is starting");
        var state = await Http.GetFromJsonAsync<JsonObject>(new Uri(bridge, "api/state"), ct) ?? [];
        var nodes = await Http.GetFromJsonAsync<JsonObject>(new Uri(resourceManager, "ws/v1/cluster/nodes"), ct) ?? [];
        var apps = await Http.GetFromJsonAsync<JsonObject>(new Uri(resourceManager, "ws/v1/cluster/apps"), ct) ?? [];
        var yarnNodes = (nodes["nodes"]?["node"]?.AsArray() ?? []).OfType<JsonObject>().ToDictionary(n => (string?)n["id"] ?? "");
        var nodeManagers = (state["nodeManagers"]?.AsArray() ?? []).OfType<JsonObject>().Select(nm =>
        {
            var node = yarnNodes.GetValueOrDefault((string?)nm["nodeId"] ?? "");
            return (IReadOnlyList<string>)
            [
                (string?)nm["hostname"] ?? "", (string?)nm["profile"] ?? "", (string?)nm["state"] ?? "", (string?)node?["state"] ?? "not registered",
                Text(node?["numContainers"]), $"{Text(node?["usedMemoryMB"])} / {Text(node?["totalResource"]?["memory"])}",
                $"{Text(node?["usedVirtualCores"])} / {Text(node?["totalResource"]?["vCores"])}", Text(nm["placeholders"]),
            ];
        }).ToList();
        var applications = (apps["apps"]?["app"]?.AsArray() ?? []).OfType<JsonObject>()
            .OrderByDescending(a => (long?)a["startedTime"] ?? 0).Take(10).Select(a => (IReadOnlyList<string>)
            [
                (string?)a["id"] ?? "", (string?)a["name"] ?? "", (string?)a["queue"] ?? "", (string?)a["state"] ?? "", (string?)a["finalStatus"] ?? "",
                $"{(double?)a["progress"] ?? 0:0}%", Text(a["runningContainers"]), Text(a["allocatedMB"]),
            ]).ToList();
        var hosts = (state["nodeManagers"]?.AsArray() ?? []).OfType<JsonObject>()
            .ToDictionary(nm => (string?)nm["nodeId"] ?? "", nm => (string?)nm["hostname"] ?? "");
        var containers = new List<IReadOnlyList<string>>();
        foreach (var app in (apps["apps"]?["app"]?.AsArray() ?? []).OfType<JsonObject>().Where(a => (string?)a["state"] == "RUNNING"))
        {
            var attempts = await Http.GetFromJsonAsync<JsonObject>(new Uri(resourceManager, $"ws/v1/cluster/apps/{a(app, "id")}/appattempts"), ct);
            if ((attempts?["appAttempts"]?["appAttempt"]?.AsArray() ?? []).LastOrDefault() is not JsonObject last) continue;
            var listed = await Http.GetFromJsonAsync<JsonObject>(new Uri(resourceManager, $"ws/v1/cluster/apps/{a(app, "id")}/appattempts/{a(last, "appAttemptId")}/containers"), ct);
            foreach (var c in (listed?["container"]?.AsArray() ?? []).OfType<JsonObject>())
                containers.Add([a(c, "containerId"), a(app, "name"), $"{hosts.GetValueOrDefault(a(c, "assignedNodeId"), "")} ({a(c, "assignedNodeId")})",
                    Text(c["allocatedMB"]), Text(c["allocatedVCores"]), (bool?)c["amContainer"] == true ? "ApplicationMaster" : "task"]);
        }
        return
        [
            new DashboardTable("NodeManagers (Myriad's profile and state; YARN's state, containers and capacity)",
                ["host", "profile", "bridge state", "YARN state", "containers", "memory MB used / total", "vcores used / total", "placeholders"], nodeManagers),
            new DashboardTable("Applications (latest 10)", ["application", "name", "queue", "state", "final status", "progress", "containers", "allocated MB"], applications),
            new DashboardTable("Containers of running applications", ["container", "application", "agent (NodeManager)", "MB", "vcores", "runs"], containers),
        ];

        static string a(JsonObject node, string field) => (string?)node[field] ?? "";
    });

    /// <summary>The event bus section: each topic of the embedded broker with partitions, messages and messages per second.</summary>
    /// <param name="broker">The broker's logs; null while it is starting.</param>
    /// <param name="time">The clock rates are measured on.</param>
    public static DashboardPanel Bus(Func<LogManager?> broker, TimeProvider time)
    {
        var rates = new TopicRates(TimeSpan.FromSeconds(30));
        return new DashboardPanel("Event bus", _ =>
        {
            var logs = broker() ?? throw new InvalidOperationException("the broker is starting");
            var topics = logs.ListTopics().OrderBy(t => t.Name, StringComparer.Ordinal).Select(t =>
            {
                long start = 0, end = 0;
                for (var p = 0; p < t.Partitions; p++)
                {
                    if (logs.GetLog(t.Name, p) is not { } log) continue;
                    start += log.LogStartOffset;
                    end += log.LogEndOffset;
                }
                return (t.Name, t.Partitions, Messages: end - start, End: end);
            }).ToList();
            IReadOnlyDictionary<string, double> perSecond;
            lock (rates) perSecond = rates.Record(time.GetUtcNow(), topics.ToDictionary(t => t.Name, t => t.End));
            IReadOnlyList<DashboardTable> tables =
            [
                new DashboardTable("Topics on the embedded broker (messages per second over the last 30 s)", ["topic", "partitions", "messages", "end offsets", "messages/s"],
                    topics.Select(t => (IReadOnlyList<string>)[t.Name, Text(t.Partitions), Text(t.Messages), Text(t.End),
                        perSecond.TryGetValue(t.Name, out var rate) ? rate.ToString("0.##", CultureInfo.InvariantCulture) : "…"]).ToList()),
            ];
            return Task.FromResult(tables);
        });
    }

    private static string Text(JsonNode? node) => node?.ToString() ?? "";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
