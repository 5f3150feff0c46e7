using System.Globalization;
using System.Text;
using Bridge.Yarn.Applications.MapReduce;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Applications.Masters.MapReduce;

/// <summary>
/// A map/reduce ApplicationMaster as a pure core (after Hadoop's MRAppMaster: JobImpl, TaskImpl,
/// TaskAttemptImpl, RMContainerAllocator), running a submitted <see cref="MapReduceJob"/> — word count or trace
/// analytics — whose tasks run in containers through <c>ContainerMain</c>:
/// <list type="number">
/// <item>On registration it asks for one container per map, anywhere (<c>*</c>: the input is on this machine's
///   files, which every NodeManager here reads, so there is no host to prefer), at priority 20 (Hadoop's
///   PRIORITY_MAP) of <c>mapreduce.map.memory.mb</c> / <c>mapreduce.map.cpu.vcores</c>. A size above the
///   ResourceManager's maximum fails the job at once, as Hadoop's does.</item>
/// <item>Reduces are asked for (priority 10, PRIORITY_REDUCE) only once every map has succeeded: our reduce
///   reads every map's output when it starts (there is no shuffle that could fetch while maps run), so starting
///   early would only hold containers. Hadoop's <c>mapreduce.job.reduce.slowstart.completedmaps</c> (0.05) is
///   therefore fixed at 1.0.</item>
/// <item>Once every reduce has succeeded, the job commit runs as one more task (<c>c_000000</c>, priority 1, the
///   reduce size; MapReduce 1 ran it as a job-cleanup task, MapReduce 2's AM commits in-process), and its
///   success finishes the job SUCCEEDED.</item>
/// <item>An attempt whose container exits non-zero or cannot be started FAILED: the task is tried again, a map
///   at priority 5 (PRIORITY_FAST_FAIL_MAP), until <c>mapreduce.map.maxattempts</c> /
///   <c>mapreduce.reduce.maxattempts</c> (4) attempts failed; then the job fails with a diagnostic naming the
///   task. An attempt whose container the platform ended (ABORTED, preempted, …) is KILLED and tried again
///   without counting. A failed commit fails the job (as Hadoop's).</item>
/// <item>A kill finishes KILLED; a failure or kill releases every running container.</item>
/// </list>
/// Progress is Hadoop's JobImpl weighting: setup 0.05 (done at submission), maps 0.45, reduces 0.45, commit
/// 0.05, each by tasks succeeded (a running task counts 0: there is no umbilical reporting its progress).
/// A job already committed by an earlier attempt (its <c>_SUCCESS</c> exists) finishes SUCCEEDED at registration.
/// </summary>
public sealed class MapReduceMaster : ApplicationMasterCore<TaskKey>
{
    /// <summary>Priority of map asks (Hadoop's <c>RMContainerAllocator.PRIORITY_MAP</c>): 20.</summary>
    public static readonly Priority MapPriority = new(20);

    /// <summary>Priority of asks for maps whose earlier attempt failed (<c>PRIORITY_FAST_FAIL_MAP</c>): 5.</summary>
    public static readonly Priority FastFailMapPriority = new(5);

    /// <summary>Priority of reduce asks (<c>PRIORITY_REDUCE</c>): 10.</summary>
    public static readonly Priority ReducePriority = new(10);

    /// <summary>Priority of the job-commit ask: 1.</summary>
    public static readonly Priority CommitPriority = new(1);

    private readonly MapReduceJob _job;
    private readonly string _jobDirectory;
    private readonly IReadOnlyList<string> _taskCommand;
    private readonly bool _alreadyCommitted;
    private readonly MapReduceTask[] _maps, _reduces;
    private readonly MapReduceTask _commit;

    /// <summary>A master for <paramref name="attemptId"/> running <paramref name="job"/>.</summary>
    /// <param name="attemptId">The AM's attempt.</param>
    /// <param name="job">The submitted job (from <c>job.json</c>).</param>
    /// <param name="jobDirectory">The job directory, passed to every task (<c>--job-dir</c>).</param>
    /// <param name="taskCommand">The argument vector that runs ContainerMain (e.g. <c>bridge yarn task</c>); the task's arguments follow it.</param>
    /// <param name="alreadyCommitted">An earlier attempt committed the job: finish SUCCEEDED at registration.</param>
    /// <exception cref="ArgumentException"><paramref name="job"/> has fewer than 1 reduce, or <paramref name="taskCommand"/> is empty.</exception>
    public MapReduceMaster(ApplicationAttemptId attemptId, MapReduceJob job, string jobDirectory, IReadOnlyList<string> taskCommand, bool alreadyCommitted = false)
        : base(attemptId)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(taskCommand);
        ArgumentOutOfRangeException.ThrowIfLessThan(job.Reduces, 1);
        if (taskCommand.Count == 0) throw new ArgumentException("The task command is empty.", nameof(taskCommand));
        _job = job;
        _jobDirectory = Path.GetFullPath(jobDirectory);
        _taskCommand = taskCommand;
        _alreadyCommitted = alreadyCommitted;
        _maps = Tasks(TaskType.Map, job.Maps);
        _reduces = Tasks(TaskType.Reduce, job.Reduces);
        _commit = Tasks(TaskType.JobCommit, 1)[0];
    }

    /// <summary>Hadoop's job id, <c>job_…</c>.</summary>
    public string JobId => MapReduceIds.JobId(AttemptId.ApplicationId);

    /// <summary>The job run.</summary>
    public MapReduceJob Job => _job;

    /// <summary>Map tasks, index = map.</summary>
    public IReadOnlyList<MapReduceTask> Maps => _maps;

    /// <summary>Reduce tasks, index = partition.</summary>
    public IReadOnlyList<MapReduceTask> Reduces => _reduces;

    /// <summary>The job-commit task.</summary>
    public MapReduceTask Commit => _commit;

    /// <summary>A task by key.</summary>
    public MapReduceTask Task(TaskKey key) => key.Type switch
    {
        TaskType.Map => _maps[key.Index],
        TaskType.Reduce => _reduces[key.Index],
        _ => _commit,
    };

    private Resource MapResource => new(_job.Settings.MapMemoryMb, _job.Settings.MapVCores);

    private Resource ReduceResource => new(_job.Settings.ReduceMemoryMb, _job.Settings.ReduceVCores);

    /// <inheritdoc />
    protected override void OnRegistered(AmRegistration registration, DateTimeOffset now)
    {
        if (_alreadyCommitted)
        {
            foreach (var task in _maps.Concat(_reduces).Append(_commit)) task.State = MapReduceTaskState.Succeeded;
            FinishWith(FinalApplicationStatus.Succeeded, "");
            return;
        }
        var max = registration.MaximumCapability;
        if ((TooBig("MAP", "mapResourceRequest", MapResource, max) ?? TooBig("REDUCE", "reduceResourceRequest", ReduceResource, max)) is { } tooBig)
        {
            FinishWith(FinalApplicationStatus.Failed, tooBig);
            return;
        }
        ReportProgress(0.05f);
        foreach (var map in _maps) Schedule(map);
        Advance();
    }

    private static string? TooBig(string kind, string field, Resource asked, Resource max) =>
        asked.FitsIn(max) ? null
            : $"{kind} capability required is more than the supported max container capability in the cluster. Killing the Job. {field}: {asked} maxContainerCapability:{max}";

    /// <inheritdoc />
    protected override LaunchSpec CreateLaunch(TaskKey work, Container container, DateTimeOffset now)
    {
        var task = Task(work);
        var attempt = task.Current!;
        task.State = MapReduceTaskState.Running;
        attempt.State = TaskAttemptState.Running;
        attempt.Container = container.Id;
        attempt.Node = container.NodeId;
        attempt.Started = now;
        var command = new List<string>(_taskCommand) { _job.Application, work.Verb, "--job-dir", _jobDirectory };
        if (work.Type != TaskType.JobCommit) command.AddRange(["--task", work.Index.ToString(CultureInfo.InvariantCulture)]);
        command.AddRange(["--attempt", attempt.Number.ToString(CultureInfo.InvariantCulture)]);
        return LaunchSpec.Of(command);
    }

    /// <inheritdoc />
    protected override void OnContainerEnded(TaskKey work, Container container, ContainerStatus status, ContainerOutcome outcome, DateTimeOffset now)
    {
        var task = Task(work);
        var attempt = task.Current!;
        attempt.ExitStatus = status.ExitStatus;
        attempt.Finished = now;
        switch (outcome)
        {
            case ContainerOutcome.Succeeded:
                attempt.State = TaskAttemptState.Succeeded;
                task.State = MapReduceTaskState.Succeeded;
                Advance();
                return;
            case ContainerOutcome.Killed:
                attempt.State = TaskAttemptState.Killed;
                attempt.Diagnostics = status.Diagnostics;
                Schedule(task);
                return;
            default:
                attempt.State = TaskAttemptState.Failed;
                attempt.Diagnostics = status.Diagnostics;
                if (work.Type == TaskType.JobCommit) FailJob(task, $"Job commit failed: {AttemptLine(attempt)}");
                else if (task.FailedAttempts >= MaxAttempts(work.Type)) FailJob(task, null);
                else Schedule(task);
                return;
        }
    }

    /// <inheritdoc />
    protected override void OnKilled(DateTimeOffset now) => EndUnfinished(now);

    private int MaxAttempts(TaskType type) => type == TaskType.Map ? _job.Settings.MapMaxAttempts : _job.Settings.ReduceMaxAttempts;

    private MapReduceTask[] Tasks(TaskType type, int count) =>
        Enumerable.Range(0, count).Select(i => new MapReduceTask(new TaskKey(type, i), MapReduceIds.TaskId(AttemptId.ApplicationId, new TaskKey(type, i)))).ToArray();

    /// <summary>A new attempt of <paramref name="task"/>, asking for its container.</summary>
    private void Schedule(MapReduceTask task)
    {
        var key = task.Key;
        bool earlierFailed = task.FailedAttempts > 0;
        task.Attempts.Add(new MapReduceTaskAttempt(task.Attempts.Count, MapReduceIds.TaskAttemptId(AttemptId.ApplicationId, key, task.Attempts.Count)));
        task.State = MapReduceTaskState.Scheduled;
        var ask = key.Type switch
        {
            TaskType.Map => ContainerAsk.Anywhere(earlierFailed ? FastFailMapPriority : MapPriority, MapResource),
            TaskType.Reduce => ContainerAsk.Anywhere(ReducePriority, ReduceResource),
            _ => ContainerAsk.Anywhere(CommitPriority, ReduceResource),
        };
        Request(key, ask);
    }

    /// <summary>After a task succeeded (or at the start): reduces once all maps are done, the commit once all reduces are, the finish once the commit is.</summary>
    private void Advance()
    {
        int maps = Done(_maps), reduces = Done(_reduces);
        bool committed = _commit.State == MapReduceTaskState.Succeeded;
        ReportProgress(0.05f + 0.45f * (_maps.Length == 0 ? 1 : (float)maps / _maps.Length)
                       + 0.45f * reduces / _reduces.Length + (committed ? 0.05f : 0));
        if (maps < _maps.Length) return;
        if (_reduces.All(r => r.State == MapReduceTaskState.New))
            foreach (var reduce in _reduces) Schedule(reduce);
        if (reduces < _reduces.Length) return;
        if (_commit.State == MapReduceTaskState.New) Schedule(_commit);
        if (committed) FinishWith(FinalApplicationStatus.Succeeded, "");
    }

    private static int Done(MapReduceTask[] tasks) => tasks.Count(t => t.State == MapReduceTaskState.Succeeded);

    /// <summary>Fails the job because of <paramref name="task"/>: Hadoop's "Task failed …" and "Job failed as tasks failed." lines, then each failed attempt.</summary>
    private void FailJob(MapReduceTask task, string? reason)
    {
        task.State = MapReduceTaskState.Failed;
        var text = new StringBuilder();
        if (reason is not null) text.Append(reason);
        else
        {
            string property = task.Key.Type == TaskType.Map ? "mapreduce.map.maxattempts" : "mapreduce.reduce.maxattempts";
            text.Append(CultureInfo.InvariantCulture, $"Task failed {task.Id} after {task.FailedAttempts} failed attempts ({property}={MaxAttempts(task.Key.Type)})");
            text.Append(CultureInfo.InvariantCulture,
                $"\nJob failed as tasks failed. failedMaps:{(task.Key.Type == TaskType.Map ? 1 : 0)} failedReduces:{(task.Key.Type == TaskType.Reduce ? 1 : 0)} killedMaps:0 killedReduces: 0");
            foreach (var attempt in task.Attempts.Where(a => a.State == TaskAttemptState.Failed)) text.Append('\n').Append(AttemptLine(attempt));
        }
        EndUnfinished(null);
        FinishWith(FinalApplicationStatus.Failed, text.ToString());
    }

    private static string AttemptLine(MapReduceTaskAttempt attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{attempt.Id} ({attempt.Container}): exit status {attempt.ExitStatus}: {attempt.Diagnostics}");

    /// <summary>The job ends before these tasks did: their current attempts are KILLED, the tasks too.</summary>
    private void EndUnfinished(DateTimeOffset? now)
    {
        foreach (var task in _maps.Concat(_reduces).Append(_commit))
        {
            if (task.State is MapReduceTaskState.Succeeded or MapReduceTaskState.Failed) continue;
            if (task.Current is { State: TaskAttemptState.Unassigned or TaskAttemptState.Running } attempt)
            {
                attempt.State = TaskAttemptState.Killed;
                attempt.Finished ??= now;
                attempt.Diagnostics = "The job ended before this attempt did.";
            }
            task.State = MapReduceTaskState.Killed;
        }
    }
}
