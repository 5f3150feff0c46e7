using System.Globalization;
using Bridge.Yarn.Applications.MapReduce;
using Bridge.Yarn.Applications.Masters;

namespace Bridge.Yarn.Applications.Containers;

/// <summary>
/// What runs inside a task container of the map/reduce masters (the host exposes it as <c>bridge yarn task …</c>):
/// <code>
/// APPLICATION TASK-TYPE --job-dir DIR [--task N] [--attempt K]
///   APPLICATION   wordcount | trace-analytics   (must be the job's, from DIR/job.json)
///   TASK-TYPE     map | reduce | commit
///   --job-dir     the job directory written at submission (holds job.json)
///   --task        the map's or reduce's index, from 0 (required for map and reduce; not taken by commit)
///   --attempt     the attempt's number, from 0 (default 0; named in messages)
/// </code>
/// Exit codes: 0 the task succeeded; 1 it failed (unreadable input, malformed or missing intermediate files,
/// I/O errors: the message on <c>err</c>); 2 the arguments are wrong (the message names the argument, usage follows).
/// Outputs are written through temporary names and renamed into place, so a retried attempt replaces whole files
/// and a reader never sees half of one; two attempts of one task write identical files.
/// </summary>
public static class ContainerMain
{
    /// <summary>The exit code of a task that succeeded: 0.</summary>
    public const int Succeeded = 0;

    /// <summary>The exit code of a task that failed: 1.</summary>
    public const int TaskFailed = 1;

    /// <summary>The exit code for wrong arguments: 2.</summary>
    public const int UsageError = 2;

    /// <summary>The usage text.</summary>
    public const string Usage =
        "usage: bridge yarn task APPLICATION TASK-TYPE --job-dir DIR [--task N] [--attempt K]\n" +
        "  APPLICATION  wordcount | trace-analytics\n" +
        "  TASK-TYPE    map | reduce | commit\n" +
        "  --job-dir    the job directory (holds job.json)\n" +
        "  --task       the map's or reduce's index, from 0 (map and reduce only)\n" +
        "  --attempt    the attempt's number, from 0 (default 0)";

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "help", "h" };

    /// <summary>Runs the task <paramref name="args"/> names (syntax above), writing progress and counters to <paramref name="out"/> and failures to <paramref name="err"/>.</summary>
    /// <returns>The exit code: 0, 1 or 2.</returns>
    public static int Run(string[] args, TextWriter @out, TextWriter err)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(@out);
        ArgumentNullException.ThrowIfNull(err);
        if (!TryParse(args, out var task, out var error))
        {
            if (error is null)
            {
                @out.WriteLine(Usage);
                return Succeeded;
            }
            err.WriteLine($"bridge yarn task: {error}");
            err.WriteLine(Usage);
            return UsageError;
        }
        var (job, runner, type, index, attempt) = task!.Value;
        string name = type == "commit" ? $"{job.Application} commit, attempt {attempt}" : $"{job.Application} {type} {index}, attempt {attempt}";
        try
        {
            @out.WriteLine($"{name}: starting");
            switch (type)
            {
                case "map": runner.Map(job, index, @out); break;
                case "reduce": runner.Reduce(job, index, @out); break;
                default: runner.Commit(job, @out); break;
            }
            @out.WriteLine($"{name}: done");
            return Succeeded;
        }
        catch (Exception e)
        {
            // The process edge: whatever went wrong, the container exits 1 and says why.
            err.WriteLine($"{name}: failed: {e.GetType().Name}: {e.Message}");
            return TaskFailed;
        }
    }

    private static bool TryParse(string[] args, out (MapReduceJob Job, IMapReduceTaskRunner Runner, string Type, int Index, int Attempt)? task, out string? error)
    {
        task = null;
        if (!CommandLine.TryParse(args, Flags, out var line, out error)) return false;
        if (line.Has("help") || line.Has("h"))
        {
            error = null;
            return false;
        }
        if (line.Properties.Count > 0) return Fail(out error, "-D: not taken by tasks (settings come from job.json)");
        if (line.Positional.Count == 0) return Fail(out error, "APPLICATION is missing (wordcount or trace-analytics)");
        string application = line.Positional[0];
        if (MapReduceTaskRunners.Find(application) is not { } runner)
            return Fail(out error, $"APPLICATION '{application}': unknown (wordcount or trace-analytics)");
        if (line.Positional.Count < 2) return Fail(out error, "TASK-TYPE is missing (map, reduce or commit)");
        string type = line.Positional[1];
        if (type is not ("map" or "reduce" or "commit")) return Fail(out error, $"TASK-TYPE '{type}': unknown (map, reduce or commit)");
        if (line.Positional.Count > 2) return Fail(out error, $"'{line.Positional[2]}': unexpected argument");
        if (line.Names.FirstOrDefault(n => n is not ("job-dir" or "task" or "attempt")) is { } unknown)
            return Fail(out error, $"--{unknown}: unknown option");
        if (line.Last("job-dir") is not { } jobDirectory) return Fail(out error, "--job-dir is required");
        if (!MapReduceJobFile.TryRead(jobDirectory, out var job, out var readError)) return Fail(out error, $"--job-dir {jobDirectory}: {readError}");
        if (job!.Application != application) return Fail(out error, $"--job-dir {jobDirectory}: holds a {job.Application} job, not {application}");
        if (!line.TryInt("attempt", 0, 0, int.MaxValue, out int attempt, out error)) return false;
        int index = 0;
        if (type == "commit")
        {
            if (line.Has("task")) return Fail(out error, "--task: not taken by the commit task");
        }
        else
        {
            int count = type == "map" ? job.Maps : job.Reduces;
            if (!line.Has("task")) return Fail(out error, $"--task is required for a {type} task");
            if (count == 0) return Fail(out error, $"--task: the job has no {type} tasks");
            if (!line.TryInt("task", 0, 0, count - 1, out index, out error))
            {
                error += string.Create(CultureInfo.InvariantCulture, $" (the job has {count} {type} tasks)");
                return false;
            }
        }
        task = (job, runner, type, index, attempt);
        return true;
    }

    private static bool Fail(out string? error, string message)
    {
        error = message;
        return false;
    }
}
