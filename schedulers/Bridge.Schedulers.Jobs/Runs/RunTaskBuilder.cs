using System.Globalization;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Definitions;
using KernelResources = Bridge.Kernel.Resources;

namespace Bridge.Schedulers.Jobs.Runs;

/// <summary>
/// Turns a run and the resources taken from an offer into the kernel task that runs it, as Chronos'
/// <c>MesosTaskBuilder</c> does for the command executor: the command (with <c>shell</c>, under
/// <c>/bin/sh -c</c>; without, the executable and its arguments), the fetch URIs, and the
/// environment Chronos gives a task.
/// </summary>
public static class RunTaskBuilder
{
    /// <summary>The kernel task for <paramref name="run"/>.</summary>
    /// <param name="job">The job (command, arguments, environment, fetch URIs, resources).</param>
    /// <param name="run">The run being launched (its task id, due time and attempt).</param>
    /// <param name="agentId">The agent of the offer.</param>
    /// <param name="hostname">The agent's hostname.</param>
    /// <param name="resources">The resources taken from the offer (<see cref="RunFit"/>).</param>
    /// <remarks>Without a shell, the command is argv[0] and <see cref="JobDefinition.Arguments"/> follow
    /// (the kernel's <c>arguments</c> include argv[0], as Mesos'). Chronos passes <c>arguments</c> to
    /// Mesos unchanged, so there the first argument becomes argv[0]; here it is an argument, as
    /// docs/jobs.md describes the field. A run's own <see cref="Run.Arguments"/> are appended to a shell
    /// command after a space (Chronos' <c>JobUtils.getJobWithArguments</c>), and otherwise, split into words as
    /// <c>sh</c> splits them (<see cref="RunArguments.TrySplit"/>), take the place of the job's arguments (as
    /// Chronos' task id carries them instead).</remarks>
    public static TaskInfo Build(JobDefinition job, Run run, string agentId, string hostname, KernelResources resources)
    {
        var command = new CommandInfo { Shell = job.Shell, Value = job.Shell && run.Arguments is { } extra ? $"{job.Command} {extra}" : job.Command };
        if (!job.Shell)
        {
            command.Arguments.Add(job.Command);
            command.Arguments.AddRange(run.Arguments is { } own && RunArguments.TrySplit(own, out var words, out _) ? words : job.Arguments);
        }
        foreach (var uri in job.Fetch)
        {
            var fetched = new CommandInfo.Types.URI { Value = uri.Uri, Executable = uri.Executable, Extract = uri.Extract, Cache = uri.Cache };
            if (uri.OutputFile is { } file) fetched.OutputFile = file;
            command.Uris.Add(fetched);
        }
        command.Environment = new Kernel.V1.Environment();
        foreach (var (name, value) in Environment(job, run, hostname))
            command.Environment.Variables.Add(new Kernel.V1.Environment.Types.Variable { Name = name, Value = value });
        var task = new TaskInfo
        {
            Name = job.Name.Value,
            TaskId = new TaskID { Value = run.TaskId },
            AgentId = new AgentID { Value = agentId },
            Command = command,
        };
        task.Resources.AddRange(ResourceConversion.ToWire(resources));
        return task;
    }

    /// <summary>
    /// The task's environment, as Chronos sets it: <c>mesos_task_id</c>, <c>CHRONOS_JOB_OWNER</c>,
    /// <c>CHRONOS_JOB_NAME</c>, <c>HOST</c>, <c>CHRONOS_RESOURCE_MEM</c>, <c>CHRONOS_RESOURCE_CPU</c>,
    /// <c>CHRONOS_RESOURCE_DISK</c>, <c>CHRONOS_JOB_RUN_TIME</c> (the run's due time, milliseconds since
    /// the Unix epoch, as Chronos' task id carries it) and <c>CHRONOS_JOB_RUN_ATTEMPT</c> (0 for the
    /// first attempt), then the job's own variables, which do not override those (Chronos' rule).
    /// Resources are written as the job gives them (<c>0.1</c>, <c>128</c>; Chronos writes Scala
    /// doubles, <c>128.0</c>).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Environment(JobDefinition job, Run run, string hostname)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mesos_task_id"] = run.TaskId,
            ["CHRONOS_JOB_OWNER"] = job.Owner,
            ["CHRONOS_JOB_NAME"] = job.Name.Value,
            ["HOST"] = hostname,
            ["CHRONOS_RESOURCE_MEM"] = job.MemMb.ToString(),
            ["CHRONOS_RESOURCE_CPU"] = job.Cpus.ToString(),
            ["CHRONOS_RESOURCE_DISK"] = job.DiskMb.ToString(),
            ["CHRONOS_JOB_RUN_TIME"] = run.DueAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["CHRONOS_JOB_RUN_ATTEMPT"] = run.Attempt.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var variable in job.EnvironmentVariables) env.TryAdd(variable.Name, variable.Value);
        return [.. env];
    }
}
