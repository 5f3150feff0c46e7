using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Protocol.Launching;

/// <summary>
/// What the executor needs to start a NodeManager, carried as UTF-8 JSON in the NodeManager task's <c>data</c> (Myriad
/// passed the same as <c>-D</c> properties on the NodeManager's command line):
/// <code>{"taskId":"nm.medium.…","profile":"medium","hostname":"h1","capability":{"memoryMb":4096,"vCores":4},
///  "ports":{"rpc":31000,"localizer":31001,"webappHttp":31002,"shuffle":31003},"resourceManager":"127.0.0.1:8031"}</code>
/// The NodeManager registers as <c>hostname:rpc</c> with <c>capability</c> (zero for fine-grained scaling) at the
/// ResourceManager's resource-tracker address.
/// </summary>
/// <param name="TaskId">The NodeManager task's id.</param>
/// <param name="Profile">The profile's name.</param>
/// <param name="Hostname">The host name to register under (the offer's).</param>
/// <param name="Capability">The capacity to register with (<c>yarn.nodemanager.resource.memory-mb</c>, <c>.cpu-vcores</c>).</param>
/// <param name="Ports">The ports to listen on.</param>
/// <param name="ResourceManager">The ResourceManager's resource-tracker address, <c>host:port</c> (<c>yarn.resourcemanager.resource-tracker.address</c>).</param>
public sealed record NodeManagerLaunch(string TaskId, string Profile, string Hostname, Resource Capability, NodeManagerPorts Ports, string ResourceManager)
{
    /// <summary>The node's id, <c>hostname:rpc</c>.</summary>
    public NodeId NodeId => new(Hostname, Ports.Rpc);

    /// <summary>The ResourceManager's gRPC endpoint: <see cref="ResourceManager"/> as an <c>http://</c> URI.</summary>
    public Uri ResourceManagerUri => new($"http://{ResourceManager}");

    /// <summary>The JSON above, UTF-8.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("taskId", TaskId);
            w.WriteString("profile", Profile);
            w.WriteString("hostname", Hostname);
            w.WriteStartObject("capability");
            w.WriteNumber("memoryMb", Capability.MemoryMb);
            w.WriteNumber("vCores", Capability.VCores);
            w.WriteEndObject();
            w.WriteStartObject("ports");
            w.WriteNumber("rpc", Ports.Rpc);
            w.WriteNumber("localizer", Ports.Localizer);
            w.WriteNumber("webappHttp", Ports.WebappHttp);
            w.WriteNumber("shuffle", Ports.Shuffle);
            w.WriteEndObject();
            w.WriteString("resourceManager", ResourceManager);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads the JSON above (the executor's side).</summary>
    /// <returns>False with the field at fault: not JSON, a missing or mistyped field, an empty host name, a negative
    /// capability, a port outside 1–65535, a ResourceManager address that is not <c>host:port</c>.</returns>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out NodeManagerLaunch? launch, [NotNullWhen(false)] out string? error)
    {
        launch = null;
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            var capability = Get(root, "capability", JsonValueKind.Object);
            var ports = Get(root, "ports", JsonValueKind.Object);
            launch = new NodeManagerLaunch(
                Get(root, "taskId", JsonValueKind.String).GetString()!,
                Get(root, "profile", JsonValueKind.String).GetString()!,
                Get(root, "hostname", JsonValueKind.String).GetString()!,
                new Resource(Get(capability, "memoryMb", JsonValueKind.Number).GetInt64(), Get(capability, "vCores", JsonValueKind.Number).GetInt32()),
                new NodeManagerPorts(Port(ports, "rpc"), Port(ports, "localizer"), Port(ports, "webappHttp"), Port(ports, "shuffle")),
                Get(root, "resourceManager", JsonValueKind.String).GetString()!);
            if (string.IsNullOrWhiteSpace(launch.Hostname)) throw new FormatException("'hostname' is empty");
            if (launch.Capability.MemoryMb < 0 || launch.Capability.VCores < 0) throw new FormatException($"'capability' {launch.Capability} is negative");
            if (!Uri.TryCreate($"http://{launch.ResourceManager}", UriKind.Absolute, out var rm) || rm.Port <= 0 || rm.AbsolutePath != "/")
                throw new FormatException($"'resourceManager' '{launch.ResourceManager}' is not host:port");
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            launch = null;
            error = $"NodeManager launch data: {e.Message}";
            return false;
        }
    }

    private static JsonElement Get(JsonElement parent, string name, JsonValueKind kind)
    {
        if (parent.ValueKind != JsonValueKind.Object) throw new FormatException("is not a JSON object");
        if (!parent.TryGetProperty(name, out var value)) throw new KeyNotFoundException($"'{name}' is missing");
        if (value.ValueKind != kind) throw new FormatException($"'{name}' is {value.ValueKind}, not {kind}");
        return value;
    }

    private static int Port(JsonElement ports, string name)
    {
        var port = Get(ports, name, JsonValueKind.Number).GetInt32();
        return port is >= 1 and <= 65535 ? port : throw new FormatException($"ports.{name}={port} is not a port");
    }

    /// <inheritdoc />
    public override string ToString() => Encoding.UTF8.GetString(ToJson());
}

/// <summary>
/// The four ports a NodeManager listens on, taken from its offer (Myriad's <c>NMPorts</c>): RPC (the NodeManager's
/// id is <c>host:rpc</c>), localizer, web and shuffle, in that order from the offer's lowest free ports.
/// </summary>
/// <param name="Rpc"><c>yarn.nodemanager.address</c>'s port.</param>
/// <param name="Localizer"><c>yarn.nodemanager.localizer.address</c>'s port.</param>
/// <param name="WebappHttp"><c>yarn.nodemanager.webapp.address</c>'s port.</param>
/// <param name="Shuffle"><c>mapreduce.shuffle.port</c>.</param>
public readonly record struct NodeManagerPorts(int Rpc, int Localizer, int WebappHttp, int Shuffle)
{
    /// <summary>The ports in Myriad's order: rpc, localizer, web, shuffle.</summary>
    public IReadOnlyList<int> All => [Rpc, Localizer, WebappHttp, Shuffle];

    /// <summary>Builds from four ports in Myriad's order.</summary>
    /// <exception cref="ArgumentException">Not exactly four.</exception>
    public static NodeManagerPorts Of(IReadOnlyList<int> ports) => ports.Count == 4
        ? new NodeManagerPorts(ports[0], ports[1], ports[2], ports[3])
        : throw new ArgumentException($"a NodeManager needs 4 ports, not {ports.Count}", nameof(ports));
}

/// <summary>
/// The kernel task ids of the bridge's placeholder tasks, one per YARN container on a fine-grained-scaling NodeManager:
/// <c>yarn_{containerId}</c>, as Myriad named them. The framework makes them; the NodeManager's executor reads them.
/// </summary>
public static class PlaceholderTaskIds
{
    /// <summary>The prefix: <c>yarn_</c>.</summary>
    public const string Prefix = "yarn_";

    /// <summary>The placeholder task id of <paramref name="container"/>.</summary>
    public static string For(ContainerId container) => Prefix + container;

    /// <summary>True when <paramref name="taskId"/> is a placeholder's (<c>yarn_container_…</c>); gives the container id.</summary>
    public static bool TryParse(string taskId, out ContainerId container)
    {
        container = default;
        return taskId.StartsWith(Prefix, StringComparison.Ordinal) && ContainerId.TryParse(taskId[Prefix.Length..], out container);
    }
}
