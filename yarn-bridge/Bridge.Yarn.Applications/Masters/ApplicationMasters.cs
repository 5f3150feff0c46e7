using Bridge.Yarn.Applications.MapReduce;
using Bridge.Yarn.Applications.Masters.DistributedShell;
using Bridge.Yarn.Applications.Masters.MapReduce;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Masters;

/// <summary>What a runtime tells a master about where it runs.</summary>
/// <param name="AttemptId">The AM's attempt (from its container id, as Hadoop's AMs read CONTAINER_ID).</param>
/// <param name="TaskCommand">The argument vector that runs <c>ContainerMain</c> in a container (default <see cref="ApplicationMasters.DefaultTaskCommand"/>); a task's arguments follow it.</param>
public sealed record ApplicationMasterContext(ApplicationAttemptId AttemptId, IReadOnlyList<string>? TaskCommand = null);

/// <summary>
/// Builds the master an AM container's arguments name — the one entry point a runtime needs:
/// <code>
/// distributed-shell --shell_command CMD [--shell_args A] [--num_containers N] [--container_memory MB]
///                   [--container_vcores V] [--priority P] [--shell_env K=V]... [--container_retry_policy 0|1|2]
///                   [--container_retry_error_codes C,C] [--container_max_retries R] [--container_retry_interval MS]
/// wordcount        --job-dir DIR
/// trace-analytics  --job-dir DIR
/// </code>
/// A map/reduce master reads <c>DIR/job.json</c> (written at submission by <c>WordCountJob.TryPrepare</c> or
/// <c>TraceAnalyticsJob.TryPrepare</c>) and checks whether an earlier attempt already committed the job
/// (<c>OUTPUT/_SUCCESS</c>): the only file reads, done here so that the masters stay pure.
/// </summary>
public static class ApplicationMasters
{
    /// <summary>The distributed shell's name: <c>distributed-shell</c>.</summary>
    public const string DistributedShell = "distributed-shell";

    /// <summary>The default command that runs ContainerMain: <c>bridge yarn task</c>.</summary>
    public static IReadOnlyList<string> DefaultTaskCommand { get; } = ["bridge", "yarn", "task"];

    /// <summary>The names a master can be built for.</summary>
    public static IReadOnlyList<string> Names { get; } = [DistributedShell, MapReduceJob.WordCountApplication, MapReduceJob.TraceAnalyticsApplication];

    /// <summary>Builds the master <paramref name="args"/> names (syntax above).</summary>
    /// <returns>False with an error naming the argument: no or unknown application, an option the master does not know or a bad value, a job directory without a readable <c>job.json</c>, or one holding another application's job.</returns>
    public static bool TryCreate(ApplicationMasterContext context, IReadOnlyList<string> args, out IApplicationMaster? master, out string? error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(args);
        master = null;
        if (args.Count == 0 || !Names.Contains(args[0]))
        {
            error = args.Count == 0 ? $"application: missing (one of {string.Join(", ", Names)})" : $"application '{args[0]}': unknown (one of {string.Join(", ", Names)})";
            return false;
        }
        var rest = args.Skip(1).ToList();
        if (args[0] == DistributedShell)
        {
            if (!DistributedShellOptions.TryParse(rest, out var options, out error)) return false;
            master = new DistributedShellMaster(context.AttemptId, options!);
            return true;
        }
        if (!CommandLine.TryParse(rest, new HashSet<string>(), out var line, out error)) return false;
        if (line.Positional.Count > 0 || line.Properties.Count > 0 || line.Names.Any(n => n != "job-dir"))
        {
            error = $"'{line.Positional.Concat(line.Names.Where(n => n != "job-dir").Select(n => "--" + n)).DefaultIfEmpty("-D").First()}': unexpected ({args[0]} takes --job-dir DIR)";
            return false;
        }
        if (line.Last("job-dir") is not { } jobDirectory)
        {
            error = "--job-dir is required";
            return false;
        }
        if (!MapReduceJobFile.TryRead(jobDirectory, out var job, out var readError))
        {
            error = $"--job-dir {jobDirectory}: {readError}";
            return false;
        }
        if (job!.Application != args[0])
        {
            error = $"--job-dir {jobDirectory}: holds a {job.Application} job, not {args[0]}";
            return false;
        }
        bool committed = File.Exists(Path.Combine(job.Output, FileOutputCommitter.SuccessFileName));
        master = new MapReduceMaster(context.AttemptId, job, jobDirectory, context.TaskCommand ?? DefaultTaskCommand, committed);
        return true;
    }
}
