using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Launching;

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
    /// <returns>False with the field at fault: not JSON, a missing or mistyped field.</returns>
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
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
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
