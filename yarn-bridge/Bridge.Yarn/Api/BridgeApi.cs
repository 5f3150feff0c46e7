using System.Globalization;
using System.Text;
using System.Text.Json;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.Scheduling;

namespace Bridge.Yarn.Api;

/// <summary>An HTTP answer, for the REST shell to send as is.</summary>
/// <param name="StatusCode">202, 400 or 200.</param>
/// <param name="ContentType"><c>text/plain; charset=utf-8</c> (flex, as Myriad's) or <c>application/json</c>.</param>
/// <param name="Body">The body (may be empty).</param>
public sealed record ApiResponse(int StatusCode, string ContentType, string Body)
{
    /// <summary>The text content type.</summary>
    public const string Text = "text/plain; charset=utf-8";

    /// <summary>The JSON content type.</summary>
    public const string Json = "application/json";
}

/// <summary>
/// Myriad's REST API on the bridge's core, as pure functions (the Kestrel endpoints on 127.0.0.1:8192 call these on the
/// core's loop): <c>PUT /api/cluster/flexup</c>, <c>PUT /api/cluster/flexdown</c> (202 on success, 400 with the reason
/// as text), <c>GET /api/state</c>; <c>GET /api/config</c> is <see cref="ConfigJson"/>.
/// </summary>
public static class BridgeApi
{
    /// <summary><c>PUT /api/cluster/flexup</c>: 202 with an empty body, or 400 with <see cref="FlexRequest.TryParse"/>'s reason.</summary>
    public static ApiResponse FlexUp(YarnBridgeScheduler scheduler, ReadOnlySpan<byte> body, DateTimeOffset now, Decisions decisions)
    {
        if (!FlexRequest.TryParse(body, scheduler.Options.Profiles, out var request, out var error)) return BadRequest(error);
        scheduler.FlexUp(request.Profile, request.Instances, request.Constraint, now, decisions);
        return new ApiResponse(202, ApiResponse.Text, "");
    }

    /// <summary>
    /// <c>PUT /api/cluster/flexdown</c>: 202, with Myriad's warning as the body when fewer NodeManagers of the profile are
    /// flexed up than asked for (those there are flexed down), or 400 with the reason.
    /// </summary>
    public static ApiResponse FlexDown(YarnBridgeScheduler scheduler, ReadOnlySpan<byte> body, DateTimeOffset now, Decisions decisions)
    {
        if (!FlexRequest.TryParse(body, scheduler.Options.Profiles, out var request, out var error)) return BadRequest(error);
        var flexedUp = scheduler.FlexedUp(request.Profile);
        var message = flexedUp >= request.Instances ? "" : string.Create(CultureInfo.InvariantCulture,
            $"Number of requested instances for flexdown is greater than the number of Node Managers previously flexed up for profile '{request.Profile.Name}'. Requested: {request.Instances}, Previously flexed Up: {flexedUp}. Only {flexedUp} Node Managers will be flexed down.");
        scheduler.FlexDown(request.Profile, request.Instances, request.Constraint, now, decisions);
        return new ApiResponse(202, ApiResponse.Text, message);
    }

    /// <summary>
    /// <c>GET /api/state</c>: Myriad's <c>GetSchedulerStateResponse</c> (task ids by state), plus the framework id, the
    /// placeholder task ids and a line per NodeManager:
    /// <code>{"pendingTasks":[…],"stagingTasks":[…],"activeTasks":[…],"killableTasks":[…],"frameworkId":"…",
    ///  "placeholderTasks":["yarn_container_…"],
    ///  "nodeManagers":[{"taskId":"nm.zero.…","profile":"zero","cpus":0,"memoryMb":0,"state":"ACTIVE","running":true,
    ///    "hostname":"h1","agentId":"…","nodeId":"h1:31000","ports":{"rpc":31000,"localizer":31001,"webappHttp":31002,
    ///    "shuffle":31003},"constraint":null,"placeholders":2,"decommissionDeadline":null,"lastRejection":null}]}</code>
    /// </summary>
    public static ApiResponse State(YarnBridgeScheduler scheduler)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            Ids(w, "pendingTasks", scheduler, NodeManagerTaskState.Pending);
            Ids(w, "stagingTasks", scheduler, NodeManagerTaskState.Staging);
            Ids(w, "activeTasks", scheduler, NodeManagerTaskState.Active);
            Ids(w, "killableTasks", scheduler, NodeManagerTaskState.Killable);
            w.WriteString("frameworkId", scheduler.FrameworkId);
            w.WriteStartArray("placeholderTasks");
            foreach (var p in scheduler.Placeholders) w.WriteStringValue(p.TaskId);
            w.WriteEndArray();
            w.WriteStartArray("nodeManagers");
            var placeholders = scheduler.Placeholders.GroupBy(p => p.NodeManagerTaskId).ToDictionary(g => g.Key, g => g.Count());
            foreach (var nm in scheduler.NodeManagers) NodeManager(w, nm, placeholders.GetValueOrDefault(nm.TaskId));
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return new ApiResponse(200, ApiResponse.Json, Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void Ids(Utf8JsonWriter w, string name, YarnBridgeScheduler scheduler, NodeManagerTaskState state)
    {
        w.WriteStartArray(name);
        foreach (var t in scheduler.InState(state)) w.WriteStringValue(t.TaskId);
        w.WriteEndArray();
    }

    private static void NodeManager(Utf8JsonWriter w, NodeManagerTask nm, int placeholders)
    {
        w.WriteStartObject();
        w.WriteString("taskId", nm.TaskId);
        w.WriteString("profile", nm.Profile.Name);
        w.WriteNumber("cpus", nm.Profile.Cpus);
        w.WriteNumber("memoryMb", nm.Profile.MemoryMb);
        w.WriteString("state", nm.State.ToString().ToUpperInvariant());
        w.WriteBoolean("running", nm.Running);
        w.WriteString("hostname", nm.Hostname);
        w.WriteString("agentId", nm.AgentId);
        w.WriteString("nodeId", nm.NodeId?.ToString());
        if (nm.Ports is { } ports)
        {
            w.WriteStartObject("ports");
            w.WriteNumber("rpc", ports.Rpc);
            w.WriteNumber("localizer", ports.Localizer);
            w.WriteNumber("webappHttp", ports.WebappHttp);
            w.WriteNumber("shuffle", ports.Shuffle);
            w.WriteEndObject();
        }
        else w.WriteNull("ports");
        w.WriteString("constraint", nm.Constraint?.ToString());
        w.WriteNumber("placeholders", placeholders);
        if (nm.DecommissionDeadline is { } deadline) w.WriteString("decommissionDeadline", deadline);
        else w.WriteNull("decommissionDeadline");
        w.WriteString("lastRejection", nm.LastRejection);
        w.WriteEndObject();
    }

    private static ApiResponse BadRequest(string reason) => new(400, ApiResponse.Text, reason);
}
