using Bridge.Yarn.Protocol.Launching;
using System.Globalization;
using System.Text.Json;
using Bridge.Yarn.NodeManagers;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.State;

/// <summary>
/// <see cref="BridgeState"/> as UTF-8 JSON, for the shell's store:
/// <code>{"frameworkId":"…","nodeManagers":[{"taskId":"nm.zero.…","profile":"zero","cpus":0,"memoryMb":0,
///   "constraint":null,"state":"ACTIVE","since":"2024-…Z","hostname":"h1","nodeHost":"10.0.0.5","agentId":"…",
///   "attributes":"rack:r1",
///   "ports":{"rpc":31000,"localizer":31001,"webappHttp":31002,"shuffle":31003},"executor":"base64…","running":true,
///   "decommissionDeadline":null,"killSent":false}],
///  "placeholders":[{"containerId":"container_…","nodeManagerTaskId":"nm.zero.…","agentId":"…","hostname":"h1",
///   "memoryMb":1024,"vCores":1,"state":"RUNNING","since":"…"}]}</code>
/// States are upper-case names; times ISO 8601 with offset; absent values null. A file without <c>nodeHost</c> (written
/// before it existed) reads as null: the host name.
/// </summary>
public static class BridgeStateJson
{
    /// <summary>Writes <paramref name="state"/>.</summary>
    public static byte[] Write(BridgeState state)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("frameworkId", state.FrameworkId);
            w.WriteStartArray("nodeManagers");
            foreach (var n in state.NodeManagers) Write(w, n);
            w.WriteEndArray();
            w.WriteStartArray("placeholders");
            foreach (var p in state.Placeholders) Write(w, p);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter w, NodeManagerRecord n)
    {
        w.WriteStartObject();
        w.WriteString("taskId", n.TaskId);
        w.WriteString("profile", n.Profile);
        w.WriteNumber("cpus", n.Cpus);
        w.WriteNumber("memoryMb", n.MemoryMb);
        w.WriteString("constraint", n.Constraint);
        w.WriteString("state", n.State.ToString().ToUpperInvariant());
        w.WriteString("since", n.Since);
        w.WriteString("hostname", n.Hostname);
        w.WriteString("nodeHost", n.NodeHost);
        w.WriteString("agentId", n.AgentId);
        w.WriteString("attributes", n.Attributes);
        if (n.Ports is { } ports)
        {
            w.WriteStartObject("ports");
            w.WriteNumber("rpc", ports.Rpc);
            w.WriteNumber("localizer", ports.Localizer);
            w.WriteNumber("webappHttp", ports.WebappHttp);
            w.WriteNumber("shuffle", ports.Shuffle);
            w.WriteEndObject();
        }
        else w.WriteNull("ports");
        if (n.Executor is { } executor) w.WriteBase64String("executor", executor);
        else w.WriteNull("executor");
        w.WriteBoolean("running", n.Running);
        if (n.DecommissionDeadline is { } deadline) w.WriteString("decommissionDeadline", deadline);
        else w.WriteNull("decommissionDeadline");
        w.WriteBoolean("killSent", n.KillSent);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, PlaceholderRecord p)
    {
        w.WriteStartObject();
        w.WriteString("containerId", p.ContainerId.ToString());
        w.WriteString("nodeManagerTaskId", p.NodeManagerTaskId);
        w.WriteString("agentId", p.AgentId);
        w.WriteString("hostname", p.Hostname);
        w.WriteNumber("memoryMb", p.Resource.MemoryMb);
        w.WriteNumber("vCores", p.Resource.VCores);
        w.WriteString("state", p.State.ToString().ToUpperInvariant());
        w.WriteString("since", p.Since);
        w.WriteEndObject();
    }

    /// <summary>Reads what <see cref="Write(BridgeState)"/> wrote.</summary>
    /// <exception cref="FormatException">Not JSON, or a field is missing or mistyped (the message names its path).</exception>
    public static BridgeState Read(ReadOnlySpan<byte> json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new FormatException($"bridge state is not JSON: {e.Message}", e);
        }
        using (doc)
        {
            var root = new Field(doc.RootElement, "$");
            return new BridgeState(
                root["frameworkId"].StringOrNull(),
                root["nodeManagers"].Items().Select(ReadNodeManager).ToList(),
                root["placeholders"].Items().Select(ReadPlaceholder).ToList());
        }
    }

    private static NodeManagerRecord ReadNodeManager(Field f)
    {
        var ports = f["ports"];
        return new NodeManagerRecord(
            f["taskId"].String(), f["profile"].String(), f["cpus"].Int(), f["memoryMb"].Long(), f["constraint"].StringOrNull(),
            f["state"].Enum<NodeManagerTaskState>(), f["since"].Time(), f["hostname"].StringOrNull(), f["agentId"].StringOrNull(),
            f["attributes"].String(),
            ports.IsNull ? null : new NodeManagerPorts(ports["rpc"].Int(), ports["localizer"].Int(), ports["webappHttp"].Int(), ports["shuffle"].Int()),
            f["executor"].IsNull ? null : f["executor"].Bytes(),
            f["running"].Bool(), f["decommissionDeadline"].IsNull ? null : f["decommissionDeadline"].Time(), f["killSent"].Bool(),
            f.Has("nodeHost") ? f["nodeHost"].StringOrNull() : null);
    }

    private static PlaceholderRecord ReadPlaceholder(Field f) => new(
        ContainerId.TryParse(f["containerId"].String(), out var id) ? id : throw f["containerId"].Bad("is not a container id"),
        f["nodeManagerTaskId"].String(), f["agentId"].String(), f["hostname"].String(),
        new Resource(f["memoryMb"].Long(), f["vCores"].Int()), f["state"].Enum<PlaceholderState>(), f["since"].Time());

    /// <summary>A JSON value and its path, with readers that throw <see cref="FormatException"/> naming the path.</summary>
    private readonly record struct Field(JsonElement Value, string Path)
    {
        public Field this[string name] => Value.ValueKind == JsonValueKind.Object && Value.TryGetProperty(name, out var v)
            ? new Field(v, $"{Path}.{name}") : throw new FormatException($"{Path}.{name} is missing");

        public bool IsNull => Value.ValueKind == JsonValueKind.Null;
        public bool Has(string name) => Value.ValueKind == JsonValueKind.Object && Value.TryGetProperty(name, out _);
        public FormatException Bad(string what) => new($"{Path} {what}");
        public string String() => Value.ValueKind == JsonValueKind.String ? Value.GetString()! : throw Bad("is not a string");
        public string? StringOrNull() => IsNull ? null : String();
        public int Int() => Value.ValueKind == JsonValueKind.Number && Value.TryGetInt32(out var n) ? n : throw Bad("is not a 32-bit integer");
        public long Long() => Value.ValueKind == JsonValueKind.Number && Value.TryGetInt64(out var n) ? n : throw Bad("is not an integer");
        public bool Bool() => Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? Value.GetBoolean() : throw Bad("is not true or false");
        public byte[] Bytes() => Value.ValueKind == JsonValueKind.String && Value.TryGetBytesFromBase64(out var b) ? b : throw Bad("is not base64");

        public DateTimeOffset Time() => DateTimeOffset.TryParse(String(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t)
            ? t : throw Bad("is not an ISO 8601 time");

        public T Enum<T>() where T : struct, System.Enum =>
            System.Enum.TryParse<T>(String(), ignoreCase: true, out var v) && System.Enum.IsDefined(v) && !int.TryParse(String(), out _)
                ? v : throw Bad($"is not one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToUpperInvariant()))}");

        public IEnumerable<Field> Items()
        {
            if (Value.ValueKind != JsonValueKind.Array) throw Bad("is not an array");
            var path = Path;
            return Value.EnumerateArray().Select((e, i) => new Field(e, $"{path}[{i}]")).ToList();
        }
    }
}
