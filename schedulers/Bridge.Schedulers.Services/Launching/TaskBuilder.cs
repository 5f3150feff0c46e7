using System.Globalization;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Definitions;
using HealthCheck = Bridge.Kernel.V1.HealthCheck;
using KernelResources = Bridge.Kernel.Resources;

namespace Bridge.Schedulers.Services.Launching;

/// <summary>
/// Turns an app and a matched offer into the kernel task that runs one instance: the command
/// (Marathon's <c>cmd</c> under <c>/bin/sh -c</c>, or <c>args</c> without a shell), the environment
/// Marathon gives a task (the app's <c>env</c>, then <c>PORT0..n</c>, <c>PORT</c>, <c>PORTS</c>,
/// <c>PORT_{NAME}</c>, <c>HOST</c>, <c>MARATHON_APP_ID</c>, <c>MARATHON_APP_VERSION</c>,
/// <c>MESOS_TASK_ID</c>), the fetch URIs, the kill grace period, the labels, and the first health check.
/// <para>
/// Health checks all run on the agent, next to the task (the kernel's checker), whatever the
/// protocol: HTTP/MESOS_HTTP and HTTPS/MESOS_HTTPS as HTTP GETs, TCP/MESOS_TCP as connections,
/// COMMAND as a shell command; the verdicts reach the scheduler as <c>healthy</c> in status
/// updates. Marathon runs HTTP, HTTPS and TCP checks from the scheduler instead; running them on
/// the agent gives the same verdicts without the scheduler probing every task over the network.
/// The kernel carries one check per task: the first of the app's checks is the one used.
/// </para>
/// </summary>
public static class TaskBuilder
{
    /// <summary>The kernel task for instance <paramref name="taskId"/> of <paramref name="app"/>.</summary>
    /// <param name="app">The app (its id, command, environment, checks).</param>
    /// <param name="configVersion">The app's configuration version, shown to the task as <c>MARATHON_APP_VERSION</c>.</param>
    /// <param name="taskId">The task id (<see cref="Instances.TaskIds.New"/>).</param>
    /// <param name="agentId">The agent of the offer.</param>
    /// <param name="hostname">The agent's hostname.</param>
    /// <param name="resources">The resources taken from the offer.</param>
    /// <param name="hostPorts">The host ports chosen, one per port definition, in order.</param>
    public static TaskInfo Build(AppDefinition app, DateTimeOffset configVersion, string taskId, string agentId, string hostname,
        KernelResources resources, IReadOnlyList<int> hostPorts)
    {
        var task = new TaskInfo
        {
            Name = app.Id.Segments[^1],
            TaskId = new TaskID { Value = taskId },
            AgentId = new AgentID { Value = agentId },
            Command = Command(app, configVersion, taskId, hostname, hostPorts),
        };
        task.Resources.AddRange(ResourceConversion.ToWire(resources));
        if (app.TaskKillGracePeriod is { } grace)
            task.KillPolicy = new KillPolicy { GracePeriod = new DurationInfo { Nanoseconds = grace.Ticks * 100 } };
        if (app.Labels.Count > 0)
        {
            task.Labels = new Labels();
            foreach (var (key, value) in app.Labels) task.Labels.Labels_.Add(new Label { Key = key, Value = value });
        }
        if (app.HealthChecks.Count > 0) task.HealthCheck = HealthCheckOf(app.HealthChecks[0], app, hostPorts);
        return task;
    }

    private static CommandInfo Command(AppDefinition app, DateTimeOffset configVersion, string taskId, string hostname, IReadOnlyList<int> hostPorts)
    {
        var command = app.Cmd is { } cmd
            ? new CommandInfo { Shell = true, Value = cmd }
            : new CommandInfo { Shell = false, Value = app.Args[0], Arguments = { app.Args } };
        if (app.User is { } user) command.User = user;
        foreach (var uri in app.Fetch)
        {
            var fetched = new CommandInfo.Types.URI { Value = uri.Uri, Executable = uri.Executable, Extract = uri.Extract, Cache = uri.Cache };
            if (uri.DestPath is { } dest) fetched.OutputFile = dest;
            command.Uris.Add(fetched);
        }
        command.Environment = new Kernel.V1.Environment();
        foreach (var (name, value) in Environment(app, configVersion, taskId, hostname, hostPorts))
            command.Environment.Variables.Add(new Kernel.V1.Environment.Types.Variable { Name = name, Value = value });
        return command;
    }

    /// <summary>The task's environment, as Marathon sets it: the app's own variables, then the ones Marathon adds (which win).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Environment(AppDefinition app, DateTimeOffset configVersion, string taskId,
        string hostname, IReadOnlyList<int> hostPorts)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in app.Env) env[name] = value;
        for (var i = 0; i < hostPorts.Count; i++)
        {
            var port = hostPorts[i].ToString(CultureInfo.InvariantCulture);
            env[$"PORT{i}"] = port;
            if (i < app.PortDefinitions.Count && app.PortDefinitions[i].Name is { } name)
                env[$"PORT_{name.ToUpperInvariant().Replace('-', '_')}"] = port;
        }
        if (hostPorts.Count > 0)
        {
            env["PORT"] = hostPorts[0].ToString(CultureInfo.InvariantCulture);
            env["PORTS"] = string.Join(",", hostPorts.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        }
        env["HOST"] = hostname;
        env["MARATHON_APP_ID"] = app.Id.Value;
        env["MARATHON_APP_VERSION"] = Scheduling.Versions.Format(configVersion);
        env["MESOS_TASK_ID"] = taskId;
        return [.. env];
    }

    private static HealthCheck HealthCheckOf(Definitions.HealthCheck check, AppDefinition app, IReadOnlyList<int> hostPorts)
    {
        var result = new HealthCheck
        {
            DelaySeconds = check.Delay.TotalSeconds,
            IntervalSeconds = check.Interval.TotalSeconds,
            TimeoutSeconds = check.Timeout.TotalSeconds,
            GracePeriodSeconds = check.GracePeriod.TotalSeconds,
            // Marathon's 0 ("never kill") has no kernel equivalent; the largest count comes closest.
            ConsecutiveFailures = check.MaxConsecutiveFailures > 0 ? (uint)check.MaxConsecutiveFailures : uint.MaxValue,
        };
        var port = (uint)(check.Port ?? (check.UsesPort && hostPorts.Count > (check.PortIndex ?? 0) ? hostPorts[check.PortIndex ?? 0] : 0));
        switch (check.Protocol)
        {
            case HealthCheckProtocol.Http or HealthCheckProtocol.MesosHttp or HealthCheckProtocol.Https or HealthCheckProtocol.MesosHttps:
                result.Type = HealthCheck.Types.Type.Http;
                result.Http = new HealthCheck.Types.HTTPCheckInfo
                {
                    Scheme = check.Protocol is HealthCheckProtocol.Https or HealthCheckProtocol.MesosHttps ? "https" : "http",
                    Port = port,
                    Path = check.Path ?? "/",
                };
                break;
            case HealthCheckProtocol.Tcp or HealthCheckProtocol.MesosTcp:
                result.Type = HealthCheck.Types.Type.Tcp;
                result.Tcp = new HealthCheck.Types.TCPCheckInfo { Port = port };
                break;
            default:
                result.Type = HealthCheck.Types.Type.Command;
                result.Command = new CommandInfo { Shell = true, Value = check.Command ?? "true" };
                break;
        }
        return result;
    }
}
