using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OperatorEvent = Bridge.Kernel.V1.Operator.Event;

namespace Bridge.Kernel.Master.Http;

/// <summary>
/// The master's plain-HTTP routes, next to gRPC on the same port (GET and HEAD only):
/// <list type="bullet">
/// <item><c>/health</c>: <c>{"healthy", "leader", "leader_address"}</c>, on every master.</item>
/// <item><c>/</c>, <c>/dashboard.js</c>, <c>/dashboard.css</c>: the dashboard, static files built into the master, on every
/// master (a standby's page finds the leader through <c>/health</c>).</item>
/// <item><c>/api/v1/state</c> (<see cref="StateJson"/>), <c>/metrics</c> (Prometheus text format 0.0.4).</item>
/// <item><c>/api/v1/events</c>: the operator event stream (the gRPC <c>Operator.Subscribe</c>) as Server-Sent Events
/// (WHATWG HTML, "Server-sent events"): one <c>event: TYPE</c> / <c>data: JSON</c> pair per event, the JSON the protobuf
/// JSON mapping with proto field names; SUBSCRIBED carries only <c>heartbeat_interval_seconds</c> (the state is at
/// <c>/api/v1/state</c>); a <c>: heartbeat</c> comment every heartbeat interval.</item>
/// <item><c>/api/v1/files/read?agent_id=ID&amp;path=P[&amp;offset=N&amp;length=M]</c>: a sandbox file read through the
/// master from the agent's <c>/files/read</c> (Mesos' <c>{"data","offset"}</c> shape), so the dashboard's page reads
/// stdout and stderr from its own origin.</item>
/// <item><c>/api/v1/panels</c>: the host's sections (<see cref="MasterOptions.DashboardPanels"/>) as
/// <c>[{"title", "tables": [{"caption", "columns", "rows"}]} | {"title", "error"}]</c>.</item>
/// </list>
/// The leader's routes answer on a standby with 307 to the leader (or 503 while none is elected), as Mesos' do. Errors are
/// JSON <c>{"error": "..."}</c>.
/// </summary>
internal static class MasterHttp
{
    private static readonly JsonFormatter EventJson = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));
    private static readonly HttpClient Agents = new() { Timeout = TimeSpan.FromSeconds(5) };

    private static readonly IReadOnlyDictionary<string, (string Resource, string ContentType)> Assets = new Dictionary<string, (string, string)>
    {
        ["/"] = ("dashboard/index.html", "text/html; charset=utf-8"),
        ["/index.html"] = ("dashboard/index.html", "text/html; charset=utf-8"),
        ["/dashboard.js"] = ("dashboard/dashboard.js", "text/javascript; charset=utf-8"),
        ["/dashboard.css"] = ("dashboard/dashboard.css", "text/css; charset=utf-8"),
    };

    /// <summary>Maps the routes onto <paramref name="app"/>.</summary>
    public static void Map(IApplicationBuilder app, ElectedMaster elected, MasterOptions options) => app.Run(async http =>
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        var path = http.Request.Path.Value ?? "/";
        var master = elected.Leading;
        if (path == "/health")
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(JsonSerializer.Serialize(new { healthy = true, leader = master is not null, leader_address = elected.Leader }));
            return;
        }
        if (Assets.TryGetValue(path, out var asset))
        {
            await ServeAssetAsync(http, asset.Resource, asset.ContentType);
            return;
        }
        if (path is not ("/api/v1/state" or "/metrics" or "/api/v1/events" or "/api/v1/files/read" or "/api/v1/panels"))
        {
            await ErrorAsync(http, StatusCodes.Status404NotFound, $"no such endpoint: {path}");
            return;
        }
        if (master is null)
        {
            // Not the leader: send the caller to it (Mesos' non-leading masters redirect too).
            http.Response.Headers[ElectedMaster.LeaderHeader] = elected.Leader ?? "";
            if (elected.Leader is { Length: > 0 } leader)
            {
                http.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                http.Response.Headers.Location = leader + path + http.Request.QueryString;
            }
            else await ErrorAsync(http, StatusCodes.Status503ServiceUnavailable, "this master is not the leader, and no leader is elected yet; retry");
            return;
        }
        switch (path)
        {
            case "/api/v1/state":
                http.Response.ContentType = "application/json";
                await StateJson.WriteAsync(await master.SnapshotAsync(), http.Response.Body, http.RequestAborted);
                break;
            case "/metrics":
                http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await http.Response.WriteAsync((await master.SnapshotAsync()).Metrics);
                break;
            case "/api/v1/events":
                await StreamEventsAsync(http, master);
                break;
            case "/api/v1/files/read":
                await ReadFileAsync(http, master);
                break;
            default:
                await PanelsAsync(http, options.DashboardPanels);
                break;
        }
    });

    private static async Task ServeAssetAsync(HttpContext http, string resource, string contentType)
    {
        await using var stream = typeof(MasterHttp).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the dashboard asset {resource} is not built into {typeof(MasterHttp).Assembly.GetName().Name}");
        http.Response.ContentType = contentType;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.ContentLength = stream.Length;
        if (HttpMethods.IsGet(http.Request.Method)) await stream.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    private static async Task StreamEventsAsync(HttpContext http, Master master)
    {
        var (_, events, close) = await master.OperatorSubscribeAsync();
        try
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            var subscribed = new OperatorEvent
            {
                Type = OperatorEvent.Types.Type.Subscribed,
                Subscribed = new() { HeartbeatIntervalSeconds = master.Options.HeartbeatInterval.TotalSeconds },
            };
            await http.Response.WriteAsync(ServerSentEvent(subscribed), http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
            while (!http.RequestAborted.IsCancellationRequested)
            {
                using var timeout = new CancellationTokenSource(master.Options.HeartbeatInterval, master.Options.TimeProvider);
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, timeout.Token);
                bool more;
                try
                {
                    more = await events.WaitToReadAsync(beat.Token);
                }
                catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": heartbeat\n\n", http.RequestAborted);
                    await http.Response.Body.FlushAsync(http.RequestAborted);
                    continue;
                }
                if (!more) break; // the master stopped
                var batch = new StringBuilder();
                while (events.TryRead(out var e)) batch.Append(ServerSentEvent(e));
                await http.Response.WriteAsync(batch.ToString(), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
        finally
        {
            close();
        }
    }

    /// <summary>One Server-Sent Event: <c>event: TYPE</c>, <c>data: JSON</c> (one line: the formatter writes no newlines), a blank line.</summary>
    internal static string ServerSentEvent(OperatorEvent e) => $"event: {TypeName(e.Type)}\ndata: {EventJson.Format(e)}\n\n";

    /// <summary>The type's name in the .proto (<c>TASK_ADDED</c>), as the JSON mapping writes it.</summary>
    private static string TypeName(OperatorEvent.Types.Type type) =>
        OperatorEvent.Descriptor.FindFieldByNumber(OperatorEvent.TypeFieldNumber).EnumType.FindValueByNumber((int)type)?.Name ?? type.ToString();

    private static async Task ReadFileAsync(HttpContext http, Master master)
    {
        var agentId = http.Request.Query["agent_id"].ToString();
        var path = http.Request.Query["path"].ToString();
        if (agentId.Length == 0 || path.Length == 0)
        {
            await ErrorAsync(http, StatusCodes.Status400BadRequest, "agent_id and path are required");
            return;
        }
        var agent = (await master.SnapshotAsync()).State.GetAgents.Agents.FirstOrDefault(a => a.AgentInfo.Id?.Value == agentId);
        if (agent is null)
        {
            await ErrorAsync(http, StatusCodes.Status404NotFound, $"no registered agent {agentId}");
            return;
        }
        if (agent.AgentInfo.Address is not { Length: > 0 } address)
        {
            await ErrorAsync(http, StatusCodes.Status404NotFound, $"agent {agentId} did not say where its files are served");
            return;
        }
        var query = $"path={Uri.EscapeDataString(path)}";
        foreach (var name in new[] { "offset", "length" })
            if (http.Request.Query[name].ToString() is { Length: > 0 } value) query += $"&{name}={Uri.EscapeDataString(value)}";
        try
        {
            using var response = await Agents.GetAsync($"http://{address}/files/read?{query}", http.RequestAborted);
            http.Response.StatusCode = (int)response.StatusCode;
            http.Response.ContentType = "application/json";
            await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !http.RequestAborted.IsCancellationRequested)
        {
            await ErrorAsync(http, StatusCodes.Status502BadGateway, $"agent {agent.AgentInfo.Hostname} at {address} did not answer: {e.Message}");
        }
    }

    private static async Task PanelsAsync(HttpContext http, IReadOnlyList<DashboardPanel> panels)
    {
        var read = await Task.WhenAll(panels.Select(async panel =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                return (panel.Title, Tables: await panel.Read(timeout.Token), Error: (string?)null);
            }
            catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
            {
                return (panel.Title, Tables: (IReadOnlyList<DashboardTable>)[], Error: e.Message);
            }
        }));
        http.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartArray();
        foreach (var (title, tables, error) in read)
        {
            json.WriteStartObject();
            json.WriteString("title", title);
            if (error is not null) json.WriteString("error", error);
            json.WriteStartArray("tables");
            foreach (var table in tables)
            {
                json.WriteStartObject();
                json.WriteString("caption", table.Caption);
                json.WriteStartArray("columns");
                foreach (var c in table.Columns) json.WriteStringValue(c);
                json.WriteEndArray();
                json.WriteStartArray("rows");
                foreach (var row in table.Rows)
                {
                    json.WriteStartArray();
                    foreach (var cell in row) json.WriteStringValue(cell);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        await json.FlushAsync(http.RequestAborted);
    }

    private static async Task ErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync($"{{\"error\":\"{JavaScriptEncoder.Default.Encode(message)}\"}}");
    }
}
