using System.Text.Json;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Deployments;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Scheduling;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>What <c>embed</c> adds to an app (Marathon's <c>AppInfo.Embed</c>).</summary>
[Flags]
internal enum Embed
{
    None = 0,
    /// <summary><c>tasks</c>: the app's tasks.</summary>
    Tasks = 1,
    /// <summary><c>tasksStaged</c>, <c>tasksRunning</c>, <c>tasksHealthy</c>, <c>tasksUnhealthy</c>.</summary>
    Counts = 2,
    /// <summary><c>deployments: [{"id"}]</c>.</summary>
    Deployments = 4,
    /// <summary><c>lastTaskFailure</c>, when there was one.</summary>
    LastTaskFailure = 8,
}

/// <summary>
/// A snapshot of one app taken on the scheduler's loop, for writing off it: every part is immutable.
/// </summary>
/// <param name="Definition">The current definition.</param>
/// <param name="ConfigVersion">When the configuration last changed.</param>
/// <param name="Deployment">The deployment under way, or null.</param>
/// <param name="Instances">The app's tracked instances.</param>
/// <param name="LastTaskFailure">Its last failed task, or null.</param>
internal sealed record AppView(AppDefinition Definition, DateTimeOffset ConfigVersion, Deployment? Deployment, IReadOnlyList<Instance> Instances,
    TaskFailure? LastTaskFailure)
{
    /// <summary>Takes the snapshot; call on the loop.</summary>
    public static AppView Of(ServiceScheduler scheduler, AppState app) =>
        new(app.Definition, app.ConfigVersion, app.Deployment, scheduler.Instances.Of(app.Definition.Id), app.LastTaskFailure);

    /// <summary>The latest version (scaling included).</summary>
    public DateTimeOffset Version => Definition.Version ?? ConfigVersion;
}

/// <summary>
/// Marathon's JSON for apps with their status (<c>AppInfo</c>: the definition as
/// <see cref="AppJson.Write(AppDefinition)"/> writes it, then <c>versionInfo</c>, the counts, the deployments,
/// the tasks and the last task failure), for tasks (<c>EnrichedTask</c>) and for deployments.
/// </summary>
internal static class StatusJson
{
    /// <summary>Reads <c>embed</c> values (<c>apps.tasks</c> or <c>app.tasks</c>, ...; <c>failures</c> is tasks,
    /// counts, deployments and lastTaskFailure, as in Marathon); unknown ones are ignored, as Marathon does.</summary>
    public static Embed ParseEmbed(IEnumerable<string> values)
    {
        var embed = Embed.None;
        foreach (var value in values)
        {
            var name = value.StartsWith("apps.", StringComparison.Ordinal) ? value[5..]
                : value.StartsWith("app.", StringComparison.Ordinal) ? value[4..] : value;
            embed |= name switch
            {
                "tasks" => Embed.Tasks,
                "counts" or "count" => Embed.Counts,
                "deployments" => Embed.Deployments,
                "lastTaskFailure" => Embed.LastTaskFailure,
                "failures" => Embed.Tasks | Embed.Counts | Embed.Deployments | Embed.LastTaskFailure,
                _ => Embed.None,
            };
        }
        return embed;
    }

    /// <summary>Writes one app with its status.</summary>
    /// <param name="w">Where.</param>
    /// <param name="app">The app.</param>
    /// <param name="embed">What to add besides the definition and <c>versionInfo</c>.</param>
    /// <param name="unsupported">Fields of the request not honoured (written as <c>unsupported</c>), or null.</param>
    public static void WriteApp(Utf8JsonWriter w, AppView app, Embed embed, IReadOnlyList<UnsupportedField>? unsupported = null)
    {
        using var definition = JsonDocument.Parse(AppJson.Write(app.Definition with { Version = app.Version }));
        w.WriteStartObject();
        foreach (var field in definition.RootElement.EnumerateObject()) field.WriteTo(w);
        w.WriteStartObject("versionInfo");
        w.WriteString("lastScalingAt", Versions.Format(app.Version));
        w.WriteString("lastConfigChangeAt", Versions.Format(app.ConfigVersion));
        w.WriteEndObject();
        if (embed.HasFlag(Embed.Counts))
        {
            w.WriteNumber("tasksStaged", app.Instances.Count(i => i.Condition is Condition.Provisioned or Condition.Staging or Condition.Starting));
            w.WriteNumber("tasksRunning", app.Instances.Count(i => i.Condition == Condition.Running));
            w.WriteNumber("tasksHealthy", app.Instances.Count(i => i.Healthy == true));
            w.WriteNumber("tasksUnhealthy", app.Instances.Count(i => i.Healthy == false));
        }
        if (embed.HasFlag(Embed.Deployments))
        {
            w.WriteStartArray("deployments");
            if (app.Deployment is { } d) Identified(w, d.Id);
            w.WriteEndArray();
        }
        if (embed.HasFlag(Embed.Tasks))
        {
            w.WriteStartArray("tasks");
            foreach (var instance in app.Instances.OrderBy(i => i.StagedAt).ThenBy(i => i.TaskId, StringComparer.Ordinal))
                WriteTask(w, instance, app.Definition);
            w.WriteEndArray();
        }
        if (embed.HasFlag(Embed.LastTaskFailure) && app.LastTaskFailure is { } failure)
        {
            // Marathon's TaskFailure: {"appId","host","message","state","taskId","timestamp","version","slaveId"}.
            w.WriteStartObject("lastTaskFailure");
            w.WriteString("appId", app.Definition.Id.Value);
            w.WriteString("host", failure.Host);
            w.WriteString("message", failure.Message);
            w.WriteString("state", failure.State);
            w.WriteString("taskId", failure.TaskId);
            w.WriteString("timestamp", Versions.Format(failure.Timestamp));
            w.WriteString("version", Versions.Format(failure.Version));
            w.WriteString("slaveId", failure.AgentId);
            w.WriteEndObject();
        }
        ApiHttp.WriteUnsupported(w, unsupported);
        w.WriteEndObject();
    }

    /// <summary>Writes one task (Marathon's <c>Task</c>): id, appId, host, ports, servicePorts, slaveId, stagedAt,
    /// startedAt (once running), version (the configuration it runs), state (Mesos' name), role, and
    /// healthCheckResults (<c>[{"instanceId", "alive"}]</c>) once the agent's checker has a verdict.</summary>
    public static void WriteTask(Utf8JsonWriter w, Instance instance, AppDefinition? app)
    {
        w.WriteStartObject();
        w.WriteString("id", instance.TaskId);
        w.WriteString("appId", instance.AppId.Value);
        w.WriteString("host", instance.Agent.Hostname);
        Ints(w, "ports", instance.Ports);
        if (app is not null) Ints(w, "servicePorts", app.PortDefinitions.Select(p => p.Port));
        w.WriteString("slaveId", instance.Agent.Id.Value);
        w.WriteString("stagedAt", Versions.Format(instance.StagedAt));
        if (instance.StartedAt is { } started) w.WriteString("startedAt", Versions.Format(started));
        w.WriteString("version", Versions.Format(instance.Version));
        w.WriteString("state", State(instance.Condition));
        if (app is not null) w.WriteString("role", app.Role);
        if (instance.Healthy is { } alive)
        {
            w.WriteStartArray("healthCheckResults");
            w.WriteStartObject();
            w.WriteString("instanceId", instance.TaskId);
            w.WriteBoolean("alive", alive);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>Mesos' state name of a condition; an instance launched but not yet reported is <c>TASK_STAGING</c>, as in Marathon.</summary>
    public static string State(Condition condition) => condition switch
    {
        Condition.Provisioned or Condition.Staging => "TASK_STAGING",
        Condition.Starting => "TASK_STARTING",
        Condition.Running => "TASK_RUNNING",
        Condition.Killing => "TASK_KILLING",
        Condition.Unreachable => "TASK_UNREACHABLE",
        Condition.Finished => "TASK_FINISHED",
        Condition.Failed => "TASK_FAILED",
        Condition.Killed => "TASK_KILLED",
        Condition.Error => "TASK_ERROR",
        _ => "TASK_GONE",
    };

    /// <summary>Writes one deployment (Marathon's <c>DeploymentStepInfo</c>): id, version, affectedApps, affectedPods,
    /// steps, currentActions, currentStep (1-based) and totalSteps.</summary>
    public static void WriteDeployment(Utf8JsonWriter w, Deployment d)
    {
        var app = d.AppId.Value;
        w.WriteStartObject();
        w.WriteString("id", d.Id);
        w.WriteString("version", Versions.Format(d.Version ?? d.Started));
        w.WriteStartArray("affectedApps");
        w.WriteStringValue(app);
        w.WriteEndArray();
        w.WriteStartArray("affectedPods");
        w.WriteEndArray();
        w.WriteStartArray("steps");
        foreach (var step in d.Steps)
        {
            w.WriteStartObject();
            w.WriteStartArray("actions");
            Action(w, step, app, readiness: false);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("currentActions");
        if (d.CurrentAction is { } current) Action(w, current, app, readiness: true);
        w.WriteEndArray();
        w.WriteNumber("currentStep", Math.Min(d.CurrentStep + 1, d.Steps.Count));
        w.WriteNumber("totalSteps", d.Steps.Count);
        w.WriteEndObject();
    }

    /// <summary>Writes <c>{"id": ...}</c>.</summary>
    public static void Identified(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteEndObject();
    }

    private static void Action(Utf8JsonWriter w, DeploymentActionType action, string app, bool readiness)
    {
        w.WriteStartObject();
        w.WriteString("action", action.ToString());
        w.WriteString("app", app);
        if (readiness)
        {
            w.WriteStartArray("readinessCheckResults");
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void Ints(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
