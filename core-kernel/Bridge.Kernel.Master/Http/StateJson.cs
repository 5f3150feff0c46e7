using System.Text.Json;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Operator;
using Google.Protobuf.Collections;

namespace Bridge.Kernel.Master.Http;

/// <summary>
/// <c>GET /api/v1/state</c>: the master's state as JSON for humans and tools, in the spirit of
/// Mesos' <c>/state</c>: resources as <c>{"cpus": 2, "mem": 1024, "ports": "[31000-32000]"}</c>
/// (cpus in cores, mem and disk in MB), states by their Mesos names, times in Unix seconds.
/// Shape: <c>{master, agents[], unreachable_agents[], recovered_agents[], frameworks[], completed_frameworks[], tasks[],
/// unreachable_tasks[], completed_tasks[], roles[], offers[], recent_declines[]}</c>; docs/kernel.md lists every field.
/// </summary>
public static class StateJson
{
    /// <summary>Writes <paramref name="snapshot"/> as UTF-8 JSON to <paramref name="stream"/>.</summary>
    public static async System.Threading.Tasks.Task WriteAsync(MasterSnapshot snapshot, Stream stream, CancellationToken cancellationToken = default)
    {
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        Write(json, snapshot);
        await json.FlushAsync(cancellationToken);
    }

    /// <summary>The JSON as a string (for the CLI and tests).</summary>
    public static string ToJson(MasterSnapshot snapshot)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true })) Write(json, snapshot);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter json, MasterSnapshot snapshot)
    {
        var state = snapshot.State;
        json.WriteStartObject();
        json.WriteStartObject("master");
        json.WriteString("id", snapshot.Master.Id);
        json.WriteString("address", snapshot.Master.Address);
        json.WriteString("hostname", snapshot.Master.Hostname);
        json.WriteString("version", snapshot.Master.Version);
        json.WriteNumber("time", snapshot.TakenAt.ToUnixTimeMilliseconds() / 1000.0);
        json.WriteBoolean("offers_held", snapshot.OffersHeld);
        json.WriteEndObject();
        Array(json, "agents", state.GetAgents.Agents, a => Agent(json, a));
        Array(json, "unreachable_agents", state.GetAgents.UnreachableAgents, a => AgentInfo(json, a));
        Array(json, "recovered_agents", state.GetAgents.RecoveredAgents, a => AgentInfo(json, a));
        Array(json, "frameworks", state.GetFrameworks.Frameworks, f => Framework(json, f));
        Array(json, "completed_frameworks", state.GetFrameworks.CompletedFrameworks, f => Framework(json, f));
        Array(json, "tasks", state.GetTasks.Tasks, t => Task(json, t));
        Array(json, "unreachable_tasks", state.GetTasks.UnreachableTasks, t => Task(json, t));
        Array(json, "completed_tasks", state.GetTasks.CompletedTasks, t => Task(json, t));
        Array(json, "roles", snapshot.Roles.Roles, r => Role(json, r));
        var hostnames = state.GetAgents.Agents.ToDictionary(a => a.AgentInfo.Id?.Value ?? "", a => a.AgentInfo.Hostname);
        Array(json, "offers", snapshot.Offers, o =>
        {
            json.WriteStartObject();
            json.WriteString("id", o.Id.Value);
            json.WriteString("framework_id", o.FrameworkId.Value);
            json.WriteString("agent_id", o.AgentId.Value);
            json.WriteString("hostname", hostnames.GetValueOrDefault(o.AgentId.Value, ""));
            json.WriteString("role", o.Role);
            Resources(json, "resources", ResourceConversion.ToWire(o.Resources, o.Role));
            json.WriteNumber("offered_time", o.CreatedAt.ToUnixTimeMilliseconds() / 1000.0);
            json.WriteEndObject();
        });
        Array(json, "recent_declines", snapshot.RecentDeclines, d =>
        {
            json.WriteStartObject();
            json.WriteString("offer_id", d.OfferId);
            json.WriteString("framework_id", d.FrameworkId);
            json.WriteString("agent_id", d.AgentId);
            json.WriteString("hostname", d.Hostname);
            json.WriteString("role", d.Role);
            Resources(json, "resources", ResourceConversion.ToWire(d.Resources, d.Role));
            json.WriteNumber("refuse_seconds", d.RefuseSeconds);
            json.WriteString("reason", d.Reason);
            json.WriteNumber("time", d.Time.ToUnixTimeMilliseconds() / 1000.0);
            json.WriteEndObject();
        });
        json.WriteEndObject();
    }

    private static void Array<T>(Utf8JsonWriter json, string name, IEnumerable<T> items, Action<T> write)
    {
        json.WriteStartArray(name);
        foreach (var item in items) write(item);
        json.WriteEndArray();
    }

    private static void Agent(Utf8JsonWriter json, Agent agent)
    {
        json.WriteStartObject();
        json.WriteString("id", agent.AgentInfo.Id?.Value);
        json.WriteString("hostname", agent.AgentInfo.Hostname);
        json.WriteBoolean("active", agent.Active);
        json.WriteString("version", agent.Version);
        json.WriteNumber("registered_time", agent.RegisteredTime);
        Resources(json, "resources", agent.TotalResources);
        Resources(json, "used_resources", agent.AllocatedResources);
        Resources(json, "offered_resources", agent.OfferedResources);
        json.WriteStartObject("attributes");
        foreach (var a in agent.AgentInfo.Attributes)
            json.WriteString(a.Name, a.Type switch
            {
                Value.Types.Type.Scalar => a.Scalar.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Value.Types.Type.Ranges => Ranges(a.Ranges),
                Value.Types.Type.Set => "{" + string.Join(",", a.Set.Item) + "}",
                _ => a.Text?.Value,
            });
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void AgentInfo(Utf8JsonWriter json, AgentInfo agent)
    {
        json.WriteStartObject();
        json.WriteString("id", agent.Id?.Value);
        json.WriteString("hostname", agent.Hostname);
        json.WriteString("address", agent.Address);
        json.WriteEndObject();
    }

    private static void Framework(Utf8JsonWriter json, Framework framework)
    {
        var info = framework.FrameworkInfo;
        json.WriteStartObject();
        json.WriteString("id", info.Id?.Value);
        json.WriteString("name", info.Name);
        json.WriteString("user", info.User);
        json.WriteString("principal", info.Principal);
        json.WriteStartArray("roles");
        foreach (var role in info.Roles.Count == 0 ? ["*"] : info.Roles) json.WriteStringValue(role);
        json.WriteEndArray();
        json.WriteBoolean("active", framework.Active);
        json.WriteBoolean("connected", framework.Connected);
        json.WriteBoolean("checkpoint", info.Checkpoint);
        json.WriteNumber("failover_timeout", info.FailoverTimeout);
        json.WriteNumber("registered_time", framework.RegisteredTime);
        json.WriteStartArray("capabilities");
        foreach (var c in info.Capabilities) json.WriteStringValue(c.Type.ToString());
        json.WriteEndArray();
        Resources(json, "used_resources", framework.AllocatedResources);
        Resources(json, "offered_resources", framework.OfferedResources);
        json.WriteEndObject();
    }

    private static void Task(Utf8JsonWriter json, V1.Task task)
    {
        json.WriteStartObject();
        json.WriteString("id", task.TaskId?.Value);
        json.WriteString("name", task.Name);
        json.WriteString("framework_id", task.FrameworkId?.Value);
        json.WriteString("agent_id", task.AgentId?.Value);
        if (task.ExecutorId is { } executor) json.WriteString("executor_id", executor.Value);
        json.WriteString("state", TaskStates.Name(task.State));
        json.WriteString("role", task.Role);
        Resources(json, "resources", task.Resources);
        json.WriteStartArray("statuses");
        foreach (var status in task.Statuses)
        {
            json.WriteStartObject();
            json.WriteString("state", TaskStates.Name(status.State));
            json.WriteNumber("timestamp", status.Timestamp);
            if (status.Message.Length > 0) json.WriteString("message", status.Message);
            if (status.HasReason) json.WriteString("reason", status.Reason.ToString());
            if (status.HasHealthy) json.WriteBoolean("healthy", status.Healthy);
            if (status.HasExitCode) json.WriteNumber("exit_code", status.ExitCode);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Role(Utf8JsonWriter json, Role role)
    {
        json.WriteStartObject();
        json.WriteString("name", role.Name);
        json.WriteNumber("weight", role.Weight);
        json.WriteNumber("dominant_share", role.DominantShare);
        Resources(json, "allocated", role.Allocated);
        json.WriteStartObject("quota");
        json.WriteStartObject("guarantee");
        foreach (var (name, amount) in role.Quota?.Guarantees ?? new MapField<string, Value.Types.Scalar>()) json.WriteNumber(name, amount.Value);
        json.WriteEndObject();
        json.WriteStartObject("limit");
        foreach (var (name, amount) in role.Quota?.Limits ?? new MapField<string, Value.Types.Scalar>()) json.WriteNumber(name, amount.Value);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartArray("frameworks");
        foreach (var f in role.Frameworks) json.WriteStringValue(f.Value);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Resources as one object: scalars summed by name, ranges and sets as text.</summary>
    private static void Resources(Utf8JsonWriter json, string name, IEnumerable<V1.Resource> resources)
    {
        json.WriteStartObject(name);
        foreach (var group in resources.GroupBy(r => r.Name))
        {
            var first = group.First();
            switch (first.Type)
            {
                case Value.Types.Type.Scalar:
                    json.WriteNumber(group.Key, Math.Round(group.Sum(r => r.Scalar?.Value ?? 0), 3));
                    break;
                case Value.Types.Type.Ranges:
                    json.WriteString(group.Key, string.Join(",", group.Select(r => Ranges(r.Ranges))));
                    break;
                default:
                    json.WriteString(group.Key, "{" + string.Join(",", group.SelectMany(r => r.Set?.Item ?? [])) + "}");
                    break;
            }
        }
        json.WriteEndObject();
    }

    private static string Ranges(Value.Types.Ranges? ranges) =>
        "[" + string.Join(",", ranges?.Range.Select(r => $"{r.Begin}-{r.End}") ?? []) + "]";
}
