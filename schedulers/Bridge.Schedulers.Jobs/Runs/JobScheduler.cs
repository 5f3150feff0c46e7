using System.Globalization;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Dependencies;
using Bridge.Schedulers.Jobs.Schedules;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Jobs.Runs;

/// <summary>Settings of a <see cref="JobScheduler"/>. Immutable.</summary>
public sealed record JobSchedulerOptions
{
    /// <summary>How long a failed run waits before its retry is queued (default: 60 s, Chronos'
    /// <c>--failure_retry</c>). A fixed wait, not a growing one: a job's <c>retries</c> are few (2 by
    /// default) and each retry is a fresh start of a finite command.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many ended runs each job keeps in its history (default: 100).</summary>
    public int HistoryLimit { get; init; } = 100;

    /// <summary>How often the launched runs are reconciled with the master (default: 10 min, Chronos'
    /// <c>--reconciliation_interval</c> of 600 s).</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The framework's role: runs take unreserved resources and those reserved for this role
    /// (default: <c>*</c>, unreserved only; Chronos' <c>--mesos_role</c>).</summary>
    public string Role { get; init; } = Kernel.Roles.Default;
}

/// <summary>
/// The jobs scheduler's decisions, as a pure state machine: jobs (definitions, status, the job
/// graph), their runs and run history. The framework shell feeds it changes, clock ticks, offers
/// and status updates, one at a time, and carries out the <see cref="Decisions"/> each returns;
/// nothing here does I/O or reads a clock. docs/jobs.md ("Runs") describes the behaviour.
/// <list type="bullet">
/// <item>Due runs: each tick, every enabled scheduled job's due times since the last tick
/// (<see cref="JobSchedule.DueBetween"/>) go through <see cref="RunPolicy"/> (starting deadline,
/// concurrency policy, never replaying a backlog) and become one queued run or skipped ones.</item>
/// <item>Dependencies: when a run succeeds, each enabled child whose parents have all succeeded
/// since the child's last run was made is due now (<see cref="JobGraph.DueChildrenOf"/>).</item>
/// <item>Offers: each queued run that fits (<see cref="RunFit"/>) becomes one task
/// (<see cref="RunTaskBuilder"/>); unused offers are declined; SUPPRESS when nothing is queued,
/// REVIVE when something is. A queued run not launched within its starting deadline is skipped.</item>
/// <item>Ends: TASK_FINISHED succeeds; every other terminal state fails (or, after a kill we asked
/// for, is killed). A failed attempt with retries left is retried after
/// <see cref="JobSchedulerOptions.RetryDelay"/>; the last one counts as the job's error.</item>
/// </list>
/// </summary>
public sealed class JobScheduler
{
    private readonly JobSchedulerOptions _options;
    private readonly SortedDictionary<JobName, JobState> _jobs = new();
    // Active runs by task id (waiting and queued ones too: their task ids are reserved).
    private readonly Dictionary<string, JobName> _activeTasks = new(StringComparer.Ordinal);
    private JobGraph _graph = JobGraph.Empty;
    private DateTimeOffset _lastReconcile = DateTimeOffset.MinValue;
    private bool _wantsOffers = true;

    /// <summary>A scheduler with no jobs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative retry delay, a history limit below 1,
    /// or a reconcile interval that is not positive.</exception>
    public JobScheduler(JobSchedulerOptions? options = null)
    {
        _options = options ?? new JobSchedulerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.RetryDelay, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.HistoryLimit, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.ReconcileInterval, TimeSpan.Zero, nameof(options));
    }

    /// <summary>Every job, in name order.</summary>
    public IEnumerable<JobState> Jobs => _jobs.Values;

    /// <summary>The job graph (a snapshot: immutable).</summary>
    public JobGraph Graph => _graph;

    /// <summary>The job <paramref name="name"/>, or null.</summary>
    public JobState? Job(JobName name) => _jobs.GetValueOrDefault(name);

    /// <summary>The run record with <paramref name="taskId"/> (active or in its job's history), or null.</summary>
    public Run? FindRun(string taskId)
    {
        if (_activeTasks.TryGetValue(taskId, out var active)) return _jobs[active].ActiveRun(taskId);
        if (!taskId.StartsWith(RunTaskIds.Prefix, StringComparison.Ordinal)) return null;
        var parts = taskId[RunTaskIds.Prefix.Length..].Split(':');
        if (parts.Length != 3 || !JobName.TryParse(parts[0], out var name, out _)) return null;
        return _jobs.GetValueOrDefault(name)?.History.FirstOrDefault(r => r.TaskId == taskId);
    }

    /// <summary>Puts back saved jobs after a restart, before any input.</summary>
    /// <exception cref="InvalidOperationException">A job's parent is missing, or the parents form a
    /// cycle (saved state that was never valid).</exception>
    public void Restore(IReadOnlyCollection<JobState> jobs)
    {
        var pending = jobs.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.Where(j => j.Definition.Parents.All(_graph.Contains)).ToList();
            if (ready.Count == 0)
                throw new InvalidOperationException($"jobs {string.Join(", ", pending.Select(j => j.Definition.Name))} have missing or cyclic parents");
            foreach (var job in ready)
            {
                if (!_graph.TryAdd(job.Definition.Name, job.Definition.Parents, out var graph, out var error))
                    throw new InvalidOperationException(error.Message);
                _graph = graph;
                _jobs[job.Definition.Name] = job;
                foreach (var run in job.Active) _activeTasks[run.TaskId] = job.Definition.Name;
                pending.Remove(job);
            }
        }
    }

    // ---- Changes (REST) ----

    /// <summary>Adds a job. Its schedule is handled from <paramref name="now"/> on (due times before
    /// are not missed runs; one at <paramref name="now"/>, as an ISO schedule with an empty start
    /// has, is queued at once).</summary>
    /// <param name="job">The job (valid, as <see cref="JobJson.Parse(string)"/> returns it).</param>
    /// <param name="status">Status to start from (Chronos clients post it back); null for none.</param>
    /// <param name="now">The time.</param>
    /// <param name="decisions">Where decisions go.</param>
    /// <returns>Done, or why not: the name is taken or too long, a parent is unknown.</returns>
    public JobChange Add(JobDefinition job, JobStatus? status, DateTimeOffset now, Decisions decisions)
    {
        if (job.Name.Value.Length > RunTaskIds.MaxJobNameLength)
            return new JobChange(JobChangeError.NameTooLong,
                $"job name is {job.Name.Value.Length} characters, at most {RunTaskIds.MaxJobNameLength} (it is part of every task id, which the kernel limits to 255)");
        if (!_graph.TryAdd(job.Name, job.Parents, out var graph, out var error)) return Refused(error);
        _graph = graph;
        var state = new JobState(job, status ?? new JobStatus(), now, JustBefore(now), 0, null, [], _options.HistoryLimit);
        _jobs[job.Name] = state;
        decisions.ChangedJobs.Add(job.Name);
        decisions.Events.Add(Event("job_created", now, ("jobName", job.Name.Value)));
        HandleDue(state, now, decisions);
        UpdateOfferInterest(decisions);
        return JobChange.Done;
    }

    /// <summary>Replaces a job's definition, keeping its status, runs and history. The schedule is
    /// rebuilt from <paramref name="now"/>; due times already handled are not handled again. Active
    /// runs carry on; queued ones launch with the new definition.</summary>
    /// <returns>Done, or why not: the job is unknown, a parent is unknown, or the parents would
    /// close a cycle.</returns>
    public JobChange Replace(JobDefinition job, DateTimeOffset now, Decisions decisions)
    {
        if (!_jobs.TryGetValue(job.Name, out var state)) return Unknown(job.Name);
        if (!_graph.TryReplace(job.Name, job.Parents, out var graph, out var error)) return Refused(error);
        _graph = graph;
        state.Redefine(job, now);
        state.HandledUntil = Max(state.HandledUntil, JustBefore(now));
        decisions.ChangedJobs.Add(job.Name);
        decisions.Events.Add(Event("job_updated", now, ("jobName", job.Name.Value)));
        HandleDue(state, now, decisions);
        UpdateOfferInterest(decisions);
        return JobChange.Done;
    }

    /// <summary>
    /// Removes a job (Chronos' <c>DELETE /v1/scheduler/job/{name}</c>): its tasks are killed, its
    /// history goes with it, and its children are rewired (<see cref="JobGraph.TryRemove"/>,
    /// <see cref="ParentRemoval.Rewire"/>): each gets the removed job's parents in its place, and one
    /// left with none takes the removed job's schedule, handled from <paramref name="now"/>.
    /// </summary>
    public JobChange Remove(JobName name, DateTimeOffset now, Decisions decisions)
    {
        if (!_jobs.TryGetValue(name, out var state)) return Unknown(name);
        if (!_graph.TryRemove(name, out var removal, out var error)) return Refused(error);
        _graph = removal.Graph;
        foreach (var run in state.Active)
        {
            _activeTasks.Remove(run.TaskId);
            if (run.HasTask) decisions.Kills.Add(new Kill(run.TaskId, run.AgentId, null));
        }
        _jobs.Remove(name);
        decisions.ChangedJobs.Add(name);
        decisions.Events.Add(Event("job_deleted", now, ("jobName", name.Value)));
        foreach (var (childName, parents) in removal.Children)
        {
            var child = _jobs[childName];
            child.Redefine(ParentRemoval.Rewire(child.Definition, state.Definition, parents), now);
            child.HandledUntil = Max(child.HandledUntil, JustBefore(now));
            decisions.ChangedJobs.Add(childName);
            decisions.Events.Add(Event("job_updated", now, ("jobName", childName.Value)));
            HandleDue(child, now, decisions);
        }
        UpdateOfferInterest(decisions);
        return JobChange.Done;
    }

    /// <summary>Disables or enables a job (Chronos' <c>disabled</c>). A disabled job runs neither on
    /// its schedule nor after its parents; its due times while disabled are dropped without a trace,
    /// so enabling it replays nothing. Its active runs carry on. Run-now still runs it.</summary>
    public JobChange SetDisabled(JobName name, bool disabled, DateTimeOffset now, Decisions decisions)
    {
        if (!_jobs.TryGetValue(name, out var state)) return Unknown(name);
        if (state.Definition.Disabled == disabled) return JobChange.Done;
        state.Definition = state.Definition with { Disabled = disabled };
        state.HandledUntil = Max(state.HandledUntil, JustBefore(now));
        decisions.ChangedJobs.Add(name);
        decisions.Events.Add(Event("job_updated", now, ("jobName", name.Value), ("disabled", disabled)));
        HandleDue(state, now, decisions);
        UpdateOfferInterest(decisions);
        return JobChange.Done;
    }

    /// <summary>Starts a run now (Chronos' <c>PUT /v1/scheduler/job/{name}</c>): queued at once,
    /// whether the job is disabled, scheduled or dependent, and whatever its concurrency policy
    /// (as Metronome's runs started by hand). Its starting deadline applies. <paramref name="arguments"/>
    /// (blank: none) are the run's own (<see cref="Run.Arguments"/>); for a job without a shell they must split
    /// into words (<see cref="RunArguments.TrySplit"/>), else <see cref="JobChangeError.InvalidArguments"/>.</summary>
    public JobChange RunNow(JobName name, DateTimeOffset now, Decisions decisions, string? arguments = null)
    {
        if (!_jobs.TryGetValue(name, out var state)) return Unknown(name);
        var own = string.IsNullOrWhiteSpace(arguments) ? null : arguments.Trim();
        if (own is not null && !state.Definition.Shell && !RunArguments.TrySplit(own, out _, out var error))
            return new JobChange(JobChangeError.InvalidArguments, $"arguments {error}");
        Queue(state, RunTrigger.Manual, now, now, "started by hand", decisions, own);
        UpdateOfferInterest(decisions);
        return JobChange.Done;
    }

    /// <summary>Kills a job's active runs (Chronos' <c>DELETE /v1/scheduler/task/kill/{name}</c>):
    /// waiting and queued ones end as killed at once; launched and running ones get a kill and end
    /// as killed when their task does. Killed runs are not retried and do not count as errors.</summary>
    public JobChange Kill(JobName name, DateTimeOffset now, Decisions decisions)
    {
        if (!_jobs.TryGetValue(name, out var state)) return Unknown(name);
        foreach (var run in state.Active.ToList())
        {
            if (run.HasTask)
            {
                state.Update(run with { KillRequested = true });
                decisions.ChangedRuns.Add(run.TaskId);
                decisions.Kills.Add(new Kill(run.TaskId, run.AgentId, null));
            }
            else End(state, run with { State = RunState.Killed, EndedAt = now, Message = "killed before it launched" }, now, decisions);
        }
        UpdateOfferInterest(decisions);
        return JobChange.Done;
    }

    // ---- The framework's inputs ----

    /// <summary>The framework (re)subscribed: reconcile every launched run explicitly, and say
    /// whether offers are wanted.</summary>
    public void Subscribed(DateTimeOffset now, Decisions decisions)
    {
        decisions.Reconcile = Tasks().ToList();
        _lastReconcile = now;
        _wantsOffers = !WantsOffers(); // force the next call to say it
        UpdateOfferInterest(decisions);
    }

    /// <summary>The clock moved: retries whose wait is over are queued, queued runs past their
    /// starting deadline are skipped, due times since the last tick are decided, and reconciliation
    /// comes due every <see cref="JobSchedulerOptions.ReconcileInterval"/>.</summary>
    public void Tick(DateTimeOffset now, Decisions decisions)
    {
        foreach (var state in _jobs.Values)
        {
            QueueRetries(state, now, decisions);
            ExpireQueued(state, now, decisions);
            HandleDue(state, now, decisions);
        }
        if (now - _lastReconcile >= _options.ReconcileInterval)
        {
            decisions.Reconcile = Tasks().ToList();
            _lastReconcile = now;
        }
        UpdateOfferInterest(decisions);
    }

    /// <summary>Offers: queued runs (earliest due first, then by job name) each take one task on the
    /// first offer they fit, several per offer while resources last; offers left unused are declined.</summary>
    public void OnOffers(IReadOnlyList<Offer> offers, DateTimeOffset now, Decisions decisions)
    {
        foreach (var state in _jobs.Values) ExpireQueued(state, now, decisions);
        var queue = _jobs.Values.SelectMany(j => j.Active).Where(r => r.State == RunState.Queued)
            .OrderBy(r => r.DueAt).ThenBy(r => r.Job).ThenBy(r => r.Number).ThenBy(r => r.Attempt).ToList();
        foreach (var offer in offers)
        {
            var rejections = new List<string>();
            var tasks = queue.Count == 0 ? [] : Place(offer, queue, now, decisions, rejections);
            if (tasks.Count > 0) decisions.Launches.Add(new Launch(offer.Id, tasks));
            else decisions.Decline(offer.Id, rejections.Count > 0 ? string.Join("; ", rejections) : "no run is queued");
        }
        UpdateOfferInterest(decisions);
    }

    private List<TaskInfo> Place(Offer offer, List<Run> queue, DateTimeOffset now, Decisions decisions, List<string> rejections)
    {
        var attributes = ResourceConversion.ToModel(offer.Attributes, "offer.attributes");
        var left = ResourceConversion.ToModel(offer.Resources, "offer.resources");
        var tasks = new List<TaskInfo>();
        foreach (var run in queue.ToList())
        {
            var state = _jobs[run.Job];
            var fit = RunFit.Of(state.Definition, offer.Hostname, attributes, left, _options.Role);
            if (fit.Taken is not { } taken)
            {
                if (fit.Reason is { } reason && rejections.Count < 3) rejections.Add($"{run.Job}: {reason}");
                continue;
            }
            var launched = run with
            {
                State = RunState.Launched, LaunchedAt = now, AgentId = offer.AgentId.Value, Hostname = offer.Hostname,
                AgentUrl = offer.Url is { Length: > 0 } url ? url : null, Sandbox = $"{offer.FrameworkId?.Value}/{run.TaskId}",
            };
            state.Update(launched);
            tasks.Add(RunTaskBuilder.Build(state.Definition, launched, offer.AgentId.Value, offer.Hostname, taken));
            left -= taken;
            queue.Remove(run);
            decisions.ChangedRuns.Add(run.TaskId);
            decisions.Events.Add(RunEvent("job_run_update", launched, now));
        }
        return tasks;
    }

    /// <summary>A status update for a run's task. An update for a task no active run owns (a run that
    /// ended, a removed job, a launch lost before it was saved) kills the task unless it has ended; so
    /// does a live update for a run whose kill was asked for (the kill is sent again).</summary>
    public void OnStatus(TaskStatus status, DateTimeOffset now, Decisions decisions)
    {
        var taskId = status.TaskId?.Value ?? "";
        var state = _activeTasks.TryGetValue(taskId, out var name) ? _jobs[name] : null;
        if (state?.ActiveRun(taskId) is not { HasTask: true } run)
        {
            if (!TaskStates.IsTerminal(status.State))
            {
                decisions.Kills.Add(new Kill(taskId, status.AgentId?.Value, null));
                decisions.Events.Add(Event("unknown_task_killed", now, ("taskId", taskId), ("state", TaskStates.Name(status.State))));
            }
            return;
        }
        if (run.KillRequested && !TaskStates.IsTerminal(status.State))
        {
            // Still alive though a kill was asked for (the kill was lost while the master was away, or the
            // agent restarted); reconciliation brings this update, so ask again.
            decisions.Kills.Add(new Kill(taskId, run.AgentId, null));
        }
        var message = string.IsNullOrEmpty(status.Message) ? run.Message : status.Message;
        switch (status.State)
        {
            case TaskState.TaskStaging or TaskState.TaskStarting or TaskState.TaskKilling:
                return;
            case TaskState.TaskRunning:
                if (run.State == RunState.Running) return;
                var running = run with { State = RunState.Running, StartedAt = now, Message = message };
                state.Update(running);
                decisions.ChangedRuns.Add(taskId);
                decisions.Events.Add(RunEvent("job_run_update", running, now));
                return;
            case TaskState.TaskUnreachable:
                // The agent may come back with the task; until the master says it is gone, it is active.
                state.Update(run with { Message = message });
                decisions.ChangedRuns.Add(taskId);
                return;
        }
        var ended = run with { EndedAt = now, Message = message, ExitCode = status.HasExitCode ? status.ExitCode : run.ExitCode };
        if (status.State == TaskState.TaskFinished) Succeed(state, ended with { State = RunState.Succeeded }, now, decisions);
        else if (run.KillRequested) End(state, ended with { State = RunState.Killed }, now, decisions);
        else Fail(state, ended with { State = RunState.Failed }, now, decisions);
        UpdateOfferInterest(decisions);
    }

    // ---- Run lifecycle ----

    private void Succeed(JobState state, Run run, DateTimeOffset now, Decisions decisions)
    {
        End(state, run, now, decisions);
        state.Status = state.Status with { SuccessCount = state.Status.SuccessCount + 1, LastSuccess = now, ErrorsSinceLastSuccess = 0 };
        decisions.ChangedJobs.Add(state.Definition.Name);
        foreach (var childName in _graph.DueChildrenOf(state.Definition.Name, n => _jobs[n].RunTimes))
        {
            var child = _jobs[childName];
            if (child.Definition.Disabled) continue;
            Decide(child, RunTrigger.Parents, new DueTimes(now, now, 1), now, decisions);
        }
    }

    private void Fail(JobState state, Run run, DateTimeOffset now, Decisions decisions)
    {
        End(state, run, now, decisions);
        var retries = state.Definition.Retries;
        if (run.Attempt < retries)
        {
            var due = now + _options.RetryDelay;
            var retry = NewRun(state, run.Trigger, due, now, due <= now ? RunState.Queued : RunState.Waiting, run.Number, run.Attempt + 1)
                with { Message = $"retry {run.Attempt + 1} of {retries} after attempt {run.Attempt} failed", Arguments = run.Arguments };
            Track(state, retry, decisions);
            decisions.Events.Add(RunEvent(retry.State == RunState.Queued ? "job_run_started" : "job_run_update", retry, now));
            return;
        }
        state.Status = state.Status with
        {
            ErrorCount = state.Status.ErrorCount + 1,
            LastError = now,
            ErrorsSinceLastSuccess = state.Status.ErrorsSinceLastSuccess + 1,
        };
        decisions.ChangedJobs.Add(state.Definition.Name);
    }

    /// <summary>Moves an active run to the history as <paramref name="ended"/>.</summary>
    private void End(JobState state, Run ended, DateTimeOffset now, Decisions decisions)
    {
        state.End(ended, _options.HistoryLimit);
        _activeTasks.Remove(ended.TaskId);
        decisions.ChangedRuns.Add(ended.TaskId);
        var type = ended.State switch
        {
            RunState.Succeeded => "job_run_finished",
            RunState.Failed => "job_run_failed",
            RunState.Killed => "job_run_killed",
            _ => "job_run_skipped",
        };
        decisions.Events.Add(RunEvent(type, ended, now));
    }

    /// <summary>Decides the due times of a scheduled job since its last tick.</summary>
    private void HandleDue(JobState state, DateTimeOffset now, Decisions decisions)
    {
        if (state.Schedule is not { } schedule || state.Definition.Disabled) return;
        if (schedule.DueBetween(state.HandledUntil, now) is not { } due) return;
        state.HandledUntil = now;
        decisions.ChangedJobs.Add(state.Definition.Name);
        Decide(state, RunTrigger.Schedule, due, now, decisions);
    }

    /// <summary>Applies <see cref="RunPolicy"/> to due times: one run queued, or skipped ones recorded.</summary>
    private void Decide(JobState state, RunTrigger trigger, DueTimes due, DateTimeOffset now, Decisions decisions)
    {
        var job = state.Definition;
        var decision = RunPolicy.Decide(due, now, job.StartingDeadline, job.ConcurrencyPolicy, state.Active.Count);
        if (decision.Action == RunAction.Skip)
        {
            var reason = decision.Reason == SkipReason.ConcurrentRunActive ? RunSkipReason.ConcurrentRunActive : RunSkipReason.PastStartingDeadline;
            Skip(state, trigger, decision.DueAt, reason, decision.Explanation, now, decisions);
            return;
        }
        if (decision.Skipped > 0)
            Skip(state, trigger, due.First, RunSkipReason.Backlog,
                $"{decision.Skipped} due time(s) from {due.First:O} until before {due.Latest:O} dropped: a backlog is never replayed, only the latest due time runs",
                now, decisions);
        Queue(state, trigger, decision.DueAt, now, decision.Explanation, decisions);
    }

    private void Queue(JobState state, RunTrigger trigger, DateTimeOffset dueAt, DateTimeOffset now, string message, Decisions decisions,
        string? arguments = null)
    {
        var run = NewRun(state, trigger, dueAt, now, RunState.Queued, ++state.LastRunNumber, 0) with { Message = message, Arguments = arguments };
        state.LastRunCreated = now;
        decisions.ChangedJobs.Add(state.Definition.Name);
        Track(state, run, decisions);
        decisions.Events.Add(RunEvent("job_run_started", run, now));
    }

    private void Skip(JobState state, RunTrigger trigger, DateTimeOffset dueAt, RunSkipReason reason, string message,
        DateTimeOffset now, Decisions decisions)
    {
        var run = NewRun(state, trigger, dueAt, now, RunState.Skipped, ++state.LastRunNumber, 0)
            with { EndedAt = now, SkipReason = reason, Message = message };
        state.Ended(run, _options.HistoryLimit);
        decisions.ChangedJobs.Add(state.Definition.Name);
        decisions.ChangedRuns.Add(run.TaskId);
        decisions.Events.Add(RunEvent("job_run_skipped", run, now));
    }

    private void Track(JobState state, Run run, Decisions decisions)
    {
        state.Add(run);
        _activeTasks[run.TaskId] = run.Job;
        decisions.ChangedRuns.Add(run.TaskId);
    }

    private static Run NewRun(JobState state, RunTrigger trigger, DateTimeOffset dueAt, DateTimeOffset now, RunState runState,
        long number, int attempt) => new()
    {
        Job = state.Definition.Name,
        Number = number,
        Attempt = attempt,
        TaskId = RunTaskIds.For(state.Definition.Name, number, attempt),
        Trigger = trigger,
        DueAt = dueAt,
        State = runState,
        CreatedAt = now,
    };

    /// <summary>Retries whose wait is over become queued.</summary>
    private static void QueueRetries(JobState state, DateTimeOffset now, Decisions decisions)
    {
        foreach (var run in state.Active.Where(r => r.State == RunState.Waiting && r.DueAt <= now).ToList())
        {
            var queued = run with { State = RunState.Queued };
            state.Update(queued);
            decisions.ChangedRuns.Add(run.TaskId);
            decisions.Events.Add(RunEvent("job_run_started", queued, now));
        }
    }

    /// <summary>Queued runs that could not launch within the starting deadline are skipped.</summary>
    private void ExpireQueued(JobState state, DateTimeOffset now, Decisions decisions)
    {
        var deadline = state.Definition.StartingDeadline;
        foreach (var run in state.Active.Where(r => r.State == RunState.Queued && now - r.DueAt > deadline).ToList())
        {
            End(state, run with
            {
                State = RunState.Skipped,
                EndedAt = now,
                SkipReason = RunSkipReason.PastStartingDeadline,
                Message = $"skipped: due at {run.DueAt:O}, no offer fitted within the starting deadline of {(long)deadline.TotalSeconds} s",
            }, now, decisions);
        }
    }

    // ---- Offers interest, reconciliation, helpers ----

    private bool WantsOffers() => _jobs.Values.Any(j => j.Active.Any(r => r.State == RunState.Queued));

    /// <summary>Says REVIVE or SUPPRESS when whether any run is queued has changed.</summary>
    private void UpdateOfferInterest(Decisions decisions)
    {
        var wants = WantsOffers();
        if (wants == _wantsOffers) return;
        _wantsOffers = wants;
        decisions.WantOffers = wants;
    }

    private IEnumerable<(string TaskId, string AgentId)> Tasks() =>
        _jobs.Values.SelectMany(j => j.Active).Where(r => r.HasTask).Select(r => (r.TaskId, r.AgentId ?? ""));

    /// <summary>One tick before <paramref name="now"/>: a job handled from here runs a due time that
    /// falls exactly on <paramref name="now"/>.</summary>
    private static DateTimeOffset JustBefore(DateTimeOffset now) => now.AddTicks(-1);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private static JobChange Unknown(JobName name) => new(JobChangeError.UnknownJob, $"job {name} does not exist");

    private static JobChange Refused(GraphError error) => new(error.Kind switch
    {
        GraphErrorKind.AlreadyExists => JobChangeError.JobExists,
        GraphErrorKind.NotFound => JobChangeError.UnknownJob,
        GraphErrorKind.UnknownParent => JobChangeError.UnknownParent,
        _ => JobChangeError.Cycle,
    }, error.Message);

    private static JobEvent RunEvent(string type, Run run, DateTimeOffset now)
    {
        var fields = new Dictionary<string, object?>
        {
            ["jobName"] = run.Job.Value,
            ["run"] = run.Number,
            ["attempt"] = run.Attempt,
            ["taskId"] = run.TaskId,
            ["state"] = run.State.ToString().ToUpperInvariant(),
            ["dueAt"] = run.DueAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["message"] = run.Message,
        };
        if (run.AgentId is { } agent) fields["agentId"] = agent;
        if (run.Hostname is { } host) fields["host"] = host;
        if (run.ExitCode is { } code) fields["exitCode"] = code;
        return new JobEvent(type, now, fields);
    }

    private static JobEvent Event(string type, DateTimeOffset at, params (string Name, object? Value)[] fields) =>
        new(type, at, fields.ToDictionary(f => f.Name, f => f.Value));
}
