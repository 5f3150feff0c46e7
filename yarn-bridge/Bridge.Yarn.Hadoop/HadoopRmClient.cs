using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Bridge.Yarn.Cluster;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Hadoop;

/// <summary>A Hadoop ResourceManager's answer that is not what its REST API documents: the URL and the field at fault.</summary>
public sealed class HadoopRmException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A container as the RM's per-attempt containers route reports it.</summary>
/// <param name="Id">The container.</param>
/// <param name="Node">The node it runs on (<c>assignedNodeId</c>).</param>
/// <param name="Resource">Its size (<c>allocatedMB</c>, <c>allocatedVCores</c>).</param>
/// <param name="IsAm">True for the attempt's AM container.</param>
public readonly record struct HadoopContainer(ContainerId Id, NodeId Node, Resource Resource, bool IsAm);

/// <summary>
/// Typed calls to a Hadoop 3.x ResourceManager's REST API (Hadoop's <c>ResourceManagerRest.md</c> and
/// <c>RMWebServices</c>), JSON only: cluster metrics, nodes, running applications, their current attempt's containers,
/// and a node's resource (<c>POST /ws/v1/cluster/nodes/{nodeid}/resource</c> with a <c>ResourceOptionInfo</c>, present in
/// Hadoop 3.3's <c>RMWebServices.updateNodeResource</c>). Every answer is checked: a missing or mistyped field is a
/// <see cref="HadoopRmException"/> naming the URL and the field, never a crash; an unreachable RM is an
/// <see cref="HttpRequestException"/>.
/// </summary>
/// <param name="http">The client, with the RM's web address (<c>http://rm:8088/</c>) as its base address.</param>
public sealed class HadoopRmClient(HttpClient http)
{
    /// <summary><c>GET /ws/v1/cluster/metrics</c>: appsPending, containersPending, pendingMB, pendingVirtualCores.</summary>
    public async Task<YarnDemand> DemandAsync(CancellationToken cancellationToken = default)
    {
        const string url = "ws/v1/cluster/metrics";
        var m = Field(await GetAsync(url, cancellationToken), url, "clusterMetrics", JsonValueKind.Object);
        return new YarnDemand(Int(m, url, "clusterMetrics.containersPending"),
            new Resource(Long(m, url, "clusterMetrics.pendingMB"), Int(m, url, "clusterMetrics.pendingVirtualCores")),
            Int(m, url, "clusterMetrics.appsPending"));
    }

    /// <summary><c>GET /ws/v1/cluster/nodes</c>: every node's id, state (NEW, UNHEALTHY, LOST, REBOOTED and SHUTDOWN as
    /// <see cref="RmNodeState.Lost"/>: none takes containers) and total capability (available + used MB and vcores);
    /// containers are not in it (see <see cref="ContainersAsync"/>).</summary>
    public async Task<IReadOnlyList<(NodeId Id, RmNodeState State, Resource Capability)>> NodesAsync(CancellationToken cancellationToken = default)
    {
        const string url = "ws/v1/cluster/nodes";
        var root = await GetAsync(url, cancellationToken);
        var nodes = Field(root, url, "nodes", JsonValueKind.Object, nullable: true);
        if (nodes.ValueKind == JsonValueKind.Null || !nodes.TryGetProperty("node", out var list) || list.ValueKind == JsonValueKind.Null) return [];
        if (list.ValueKind != JsonValueKind.Array) throw Bad(url, "nodes.node", "is not an array");
        var result = new List<(NodeId, RmNodeState, Resource)>();
        var i = 0;
        foreach (var n in list.EnumerateArray())
        {
            var at = $"nodes.node[{i++}]";
            var idText = Str(n, url, $"{at}.id");
            if (!NodeId.TryParse(idText, out var id)) throw Bad(url, $"{at}.id", $"'{idText}' is not host:port");
            var stateText = Str(n, url, $"{at}.state");
            RmNodeState state = stateText switch
            {
                "RUNNING" => RmNodeState.Running,
                "DECOMMISSIONING" => RmNodeState.Decommissioning,
                "DECOMMISSIONED" => RmNodeState.Decommissioned,
                // Not usable for containers: the bridge treats them as gone (its NodeManager task says the rest).
                "NEW" or "UNHEALTHY" or "LOST" or "REBOOTED" or "SHUTDOWN" => RmNodeState.Lost,
                _ => throw Bad(url, $"{at}.state", $"'{stateText}' is not one of Hadoop's NodeState names"),
            };
            var capability = new Resource(Long(n, url, $"{at}.availMemoryMB") + Long(n, url, $"{at}.usedMemoryMB"),
                Int(n, url, $"{at}.availableVirtualCores") + Int(n, url, $"{at}.usedVirtualCores"));
            result.Add((id, state, capability));
        }
        return result;
    }

    /// <summary>The live containers of every RUNNING application: <c>GET /ws/v1/cluster/apps?states=RUNNING</c>, then per
    /// application <c>/appattempts</c> (its last attempt and AM container) and <c>/appattempts/{id}/containers</c>.</summary>
    public async Task<IReadOnlyList<HadoopContainer>> ContainersAsync(CancellationToken cancellationToken = default)
    {
        const string appsUrl = "ws/v1/cluster/apps?states=RUNNING";
        var apps = Field(await GetAsync(appsUrl, cancellationToken), appsUrl, "apps", JsonValueKind.Object, nullable: true);
        var result = new List<HadoopContainer>();
        if (apps.ValueKind == JsonValueKind.Null || !apps.TryGetProperty("app", out var list) || list.ValueKind == JsonValueKind.Null) return result;
        if (list.ValueKind != JsonValueKind.Array) throw Bad(appsUrl, "apps.app", "is not an array");
        var i = 0;
        foreach (var app in list.EnumerateArray())
        {
            var appId = Str(app, appsUrl, $"apps.app[{i++}].id");
            var attemptsUrl = $"ws/v1/cluster/apps/{appId}/appattempts";
            var attempts = Field(Field(await GetAsync(attemptsUrl, cancellationToken), attemptsUrl, "appAttempts", JsonValueKind.Object), attemptsUrl, "appAttempt", JsonValueKind.Array);
            if (attempts.GetArrayLength() == 0) continue;
            var last = attempts[attempts.GetArrayLength() - 1];
            var attemptId = Str(last, attemptsUrl, "appAttempts.appAttempt[-1].appAttemptId");
            var amContainer = Str(last, attemptsUrl, "appAttempts.appAttempt[-1].containerId");
            var containersUrl = $"ws/v1/cluster/apps/{appId}/appattempts/{attemptId}/containers";
            var root = await GetAsync(containersUrl, cancellationToken);
            if (!root.TryGetProperty("container", out var containers) || containers.ValueKind == JsonValueKind.Null) continue;
            if (containers.ValueKind != JsonValueKind.Array) throw Bad(containersUrl, "container", "is not an array");
            var j = 0;
            foreach (var c in containers.EnumerateArray())
            {
                var at = $"container[{j++}]";
                var idText = Str(c, containersUrl, $"{at}.containerId");
                if (!ContainerId.TryParse(idText, out var id)) throw Bad(containersUrl, $"{at}.containerId", $"'{idText}' is not a container id");
                var nodeText = Str(c, containersUrl, $"{at}.assignedNodeId");
                if (!NodeId.TryParse(nodeText, out var node)) throw Bad(containersUrl, $"{at}.assignedNodeId", $"'{nodeText}' is not host:port");
                result.Add(new HadoopContainer(id, node, new Resource(Long(c, containersUrl, $"{at}.allocatedMB"), Int(c, containersUrl, $"{at}.allocatedVCores")),
                    idText == amContainer));
            }
        }
        return result;
    }

    /// <summary><c>POST /ws/v1/cluster/nodes/{node}/resource</c> with <c>{"resource":{"memory":MB,"vCores":N},"overCommitTimeout":-1}</c>.</summary>
    /// <returns>True when the RM took it; false when it has no such route (404 or 405: an RM older than the route).</returns>
    /// <exception cref="HadoopRmException">The RM refused the change (another status; its body in the message).</exception>
    public async Task<bool> UpdateNodeResourceAsync(NodeId node, Resource resource, CancellationToken cancellationToken = default)
    {
        var url = $"ws/v1/cluster/nodes/{node}/resource";
        var body = string.Create(CultureInfo.InvariantCulture, $$"""{"resource":{"memory":{{resource.MemoryMb}},"vCores":{{resource.VCores}}},"overCommitTimeout":-1}""");
        using var response = await http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed) return false;
        if (!response.IsSuccessStatusCode)
            throw new HadoopRmException($"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return true;
    }

    private async Task<JsonElement> GetAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new HadoopRmException($"GET {url}: {(int)response.StatusCode} {text}");
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(url, "(body)", "is not a JSON object");
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new HadoopRmException($"GET {url}: not JSON: {e.Message}", e);
        }
    }

    private static JsonElement Field(JsonElement parent, string url, string path, JsonValueKind kind, bool nullable = false)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value)) throw Bad(url, path, "is missing");
        if (nullable && value.ValueKind == JsonValueKind.Null) return value;
        return value.ValueKind == kind ? value : throw Bad(url, path, $"is {value.ValueKind}, not {kind}");
    }

    private static string Str(JsonElement parent, string url, string path) => Field(parent, url, path, JsonValueKind.String).GetString()!;

    private static long Long(JsonElement parent, string url, string path) =>
        Field(parent, url, path, JsonValueKind.Number).TryGetInt64(out var v) && v >= 0 ? v : throw Bad(url, path, "is not a whole number of at least 0");

    private static int Int(JsonElement parent, string url, string path) =>
        Field(parent, url, path, JsonValueKind.Number).TryGetInt32(out var v) && v >= 0 ? v : throw Bad(url, path, "is not a whole number of at least 0");

    private static HadoopRmException Bad(string url, string path, string problem) => new($"GET {url}: {path} {problem}");
}
