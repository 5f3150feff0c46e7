using System.Globalization;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Masters.MapReduce;

/// <summary>A task's kind, with the letter Hadoop's task ids use.</summary>
public enum TaskType
{
    /// <summary>A map: <c>m</c>.</summary>
    Map,
    /// <summary>A reduce: <c>r</c>.</summary>
    Reduce,
    /// <summary>The job commit, run as a task (MapReduce 1's job-cleanup task): <c>c</c>.</summary>
    JobCommit,
}

/// <summary>Which task: its type and index (0-based; the job commit is index 0).</summary>
/// <param name="Type">Map, reduce or job commit.</param>
/// <param name="Index">The map's or reduce's index.</param>
public readonly record struct TaskKey(TaskType Type, int Index)
{
    /// <summary>The letter in Hadoop's ids: <c>m</c>, <c>r</c>, <c>c</c>.</summary>
    public char Letter => Type switch { TaskType.Map => 'm', TaskType.Reduce => 'r', _ => 'c' };

    /// <summary>The word ContainerMain takes: <c>map</c>, <c>reduce</c>, <c>commit</c>.</summary>
    public string Verb => Type switch { TaskType.Map => "map", TaskType.Reduce => "reduce", _ => "commit" };
}

/// <summary>Hadoop's MapReduce id strings, derived from the YARN application id (<c>TypeConverter.fromYarn</c>).</summary>
public static class MapReduceIds
{
    /// <summary><c>job_1410901177871_0001</c> for <c>application_1410901177871_0001</c>.</summary>
    public static string JobId(ApplicationId application) =>
        string.Create(CultureInfo.InvariantCulture, $"job_{application.ClusterTimestamp}_{application.Id:D4}");

    /// <summary><c>task_1410901177871_0001_m_000003</c>.</summary>
    public static string TaskId(ApplicationId application, TaskKey task) =>
        string.Create(CultureInfo.InvariantCulture, $"task_{application.ClusterTimestamp}_{application.Id:D4}_{task.Letter}_{task.Index:D6}");

    /// <summary><c>attempt_1410901177871_0001_m_000003_0</c>.</summary>
    public static string TaskAttemptId(ApplicationId application, TaskKey task, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"attempt_{application.ClusterTimestamp}_{application.Id:D4}_{task.Letter}_{task.Index:D6}_{attempt}");
}

/// <summary>A task's state (Hadoop's <c>TaskState</c>, the ones this master uses).</summary>
public enum MapReduceTaskState
{
    /// <summary>Not asked for yet (reduces until every map succeeded; the commit until every reduce did).</summary>
    New,
    /// <summary>An attempt waits for a container.</summary>
    Scheduled,
    /// <summary>An attempt runs.</summary>
    Running,
    /// <summary>An attempt succeeded.</summary>
    Succeeded,
    /// <summary>Its failed attempts reached the limit; the job fails.</summary>
    Failed,
    /// <summary>The job was killed or failed while it was not done.</summary>
    Killed,
}

/// <summary>A task attempt's state (Hadoop's <c>TaskAttemptState</c>, the ones this master uses).</summary>
public enum TaskAttemptState
{
    /// <summary>Waiting for a container.</summary>
    Unassigned,
    /// <summary>Running in its container.</summary>
    Running,
    /// <summary>Its container exited 0.</summary>
    Succeeded,
    /// <summary>Its container exited otherwise, or could not be started: counts toward the attempt limit.</summary>
    Failed,
    /// <summary>The platform ended its container, or the job ended: does not count.</summary>
    Killed,
}

/// <summary>One attempt at a task.</summary>
public sealed class MapReduceTaskAttempt
{
    internal MapReduceTaskAttempt(int number, string id)
    {
        Number = number;
        Id = id;
    }

    /// <summary>Its number within the task, from 0.</summary>
    public int Number { get; }

    /// <summary><c>attempt_…_m_000003_0</c>.</summary>
    public string Id { get; }

    /// <summary>Its state.</summary>
    public TaskAttemptState State { get; internal set; }

    /// <summary>Its container, once assigned.</summary>
    public ContainerId? Container { get; internal set; }

    /// <summary>Where it ran, once assigned.</summary>
    public NodeId? Node { get; internal set; }

    /// <summary>Its container's exit status once ended (<see cref="ContainerExitStatus.Invalid"/> before, or when it could not start).</summary>
    public int ExitStatus { get; internal set; } = ContainerExitStatus.Invalid;

    /// <summary>Why it ended, when not successfully.</summary>
    public string Diagnostics { get; internal set; } = "";

    /// <summary>When it was launched.</summary>
    public DateTimeOffset? Started { get; internal set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? Finished { get; internal set; }
}

/// <summary>A map, reduce or job-commit task and its attempts.</summary>
public sealed class MapReduceTask
{
    internal MapReduceTask(TaskKey key, string id)
    {
        Key = key;
        Id = id;
    }

    /// <summary>Which task.</summary>
    public TaskKey Key { get; }

    /// <summary><c>task_…_m_000003</c>.</summary>
    public string Id { get; }

    /// <summary>Its state.</summary>
    public MapReduceTaskState State { get; internal set; }

    /// <summary>Its attempts, oldest first.</summary>
    public List<MapReduceTaskAttempt> Attempts { get; } = [];

    /// <summary>Attempts that failed (count toward the limit).</summary>
    public int FailedAttempts => Attempts.Count(a => a.State == TaskAttemptState.Failed);

    /// <summary>Attempts the platform or the job ended (do not count).</summary>
    public int KilledAttempts => Attempts.Count(a => a.State == TaskAttemptState.Killed);

    /// <summary>The latest attempt, or null before the first.</summary>
    public MapReduceTaskAttempt? Current => Attempts.Count > 0 ? Attempts[^1] : null;
}
