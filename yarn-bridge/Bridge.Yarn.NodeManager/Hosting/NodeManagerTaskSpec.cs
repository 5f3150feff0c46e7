using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.NodeManager.Hosting;

/// <summary>
/// What the YARN bridge tells its executor about the NodeManager to run, carried as JSON in the NodeManager task's
/// <c>data</c> (the bridge's side of Myriad's NM launch: resources and ports passed to the NodeManager). Placeholder
/// tasks carry no spec: their task id is <see cref="PlaceholderPrefix"/> + the YARN container id.
/// </summary>
/// <param name="ResourceManager">The ResourceManager's gRPC address, e.g. <c>http://127.0.0.1:8088</c>.</param>
/// <param name="Host">The node's host: the NodeId host, which ApplicationMasters dial (the agent's address).</param>
/// <param name="RpcPort">The NodeManager's ContainerManagement port (from the offer's ports).</param>
/// <param name="HttpPort">Its web port (from the offer; 0: the RPC port serves it too).</param>
/// <param name="MemoryMb">The YARN capacity it registers with, MB (0 for a fine-grained-scaling NodeManager).</param>
/// <param name="VCores">The YARN capacity it registers with, vcores.</param>
/// <param name="Rack">Its rack, or null for the ResourceManager's default.</param>
/// <param name="HeartbeatIntervalMs">Its heartbeat interval in ms (default 1000).</param>
public sealed record NodeManagerTaskSpec(
    [property: JsonPropertyName("resourceManager")] string ResourceManager,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("rpcPort")] int RpcPort,
    [property: JsonPropertyName("httpPort")] int HttpPort,
    [property: JsonPropertyName("memoryMb")] long MemoryMb,
    [property: JsonPropertyName("vcores")] int VCores,
    [property: JsonPropertyName("rack")] string? Rack = null,
    [property: JsonPropertyName("heartbeatIntervalMs")] int HeartbeatIntervalMs = 1000)
{
    /// <summary>The prefix of a placeholder task's id: <c>yarn_</c> + container id, as Myriad names them.</summary>
    public const string PlaceholderPrefix = "yarn_";

    /// <summary>The node's id.</summary>
    [JsonIgnore]
    public NodeId NodeId => new(Host, RpcPort);

    /// <summary>The placeholder task id of <paramref name="container"/>.</summary>
    public static string PlaceholderTaskId(ContainerId container) => PlaceholderPrefix + container;

    /// <summary>The container a placeholder task id names, or null when <paramref name="taskId"/> is not a placeholder's.</summary>
    public static ContainerId? PlaceholderContainer(string taskId) =>
        taskId.StartsWith(PlaceholderPrefix, StringComparison.Ordinal) && ContainerId.TryParse(taskId[PlaceholderPrefix.Length..], out var id) ? id : null;

    /// <summary>The spec as UTF-8 JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>Parses and checks a spec.</summary>
    /// <exception cref="FormatException">Not JSON of this shape, or a field out of range (named).</exception>
    public static NodeManagerTaskSpec Parse(ReadOnlySpan<byte> json)
    {
        NodeManagerTaskSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<NodeManagerTaskSpec>(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"NodeManager task data is not a NodeManager spec: {e.Message}", e);
        }
        if (spec is null) throw new FormatException("NodeManager task data is empty");
        if (!Uri.TryCreate(spec.ResourceManager, UriKind.Absolute, out _)) throw new FormatException($"resourceManager '{spec.ResourceManager}' is not a URL");
        if (string.IsNullOrWhiteSpace(spec.Host)) throw new FormatException("host is empty");
        if (spec.RpcPort is < 1 or > 65535) throw new FormatException($"rpcPort {spec.RpcPort} is not a port (1 to 65535)");
        if (spec.HttpPort is < 0 or > 65535) throw new FormatException($"httpPort {spec.HttpPort} is not a port (0 to 65535)");
        if (spec.MemoryMb < 0 || spec.VCores < 0) throw new FormatException($"capacity <memory:{spec.MemoryMb}, vCores:{spec.VCores}> is negative");
        if (spec.HeartbeatIntervalMs < 10) throw new FormatException($"heartbeatIntervalMs {spec.HeartbeatIntervalMs} is below 10");
        return spec;
    }
}
