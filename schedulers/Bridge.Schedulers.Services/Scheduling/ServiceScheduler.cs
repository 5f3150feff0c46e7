using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Deployments;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Launching;
using Bridge.Schedulers.Services.Placement;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Services.Scheduling;

/// <summary>Settings of a <see cref="ServiceScheduler"/>. Immutable.</summary>
public sealed record ServiceSchedulerOptions
{
    /// <summary>How often every instance is reconciled with the master (default: 10 min, Marathon's <c>reconciliation_interval</c>).</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A deployment of a changed app whose new instances failed (ended, or failed a health check) and
    /// that is still not done this long after it started is rolled back to the app's previous
    /// definition (default: 5 min).
    /// </summary>
    public TimeSpan RollbackAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Makes the UUIDs of task and deployment ids (default: <see cref="Guid.NewGuid"/>; tests pass a seeded one).</summary>
    public Func<Guid> NewId { get; init; } = Guid.NewGuid;

    /// <summary>Where dynamic host ports start in an offer's ranges (default: a shared random; null: the lowest free port).</summary>
    public Random? PortRandom { get; init; } = Random.Shared;
}

/// <summary>
/// The services scheduler's decisions, as a pure state machine: apps and their definitions,
/// deployments, instances (<see cref="InstanceTracker"/>), launch backoff. The framework shell feeds
/// it offers, status updates, REST changes and clock ticks, one at a time, and carries out the
/// <see cref="Decisions"/> each returns; nothing here does I/O or reads a clock.
/// <para>
/// Every app is driven toward its definition after every input (<c>Converge</c>): with no deployment,
/// or in a ScaleApplication step, instances missing are queued for launch (after the app's backoff)
/// and surplus ones killed (Marathon's <c>killSelection</c>); a RestartApplication step follows
/// <see cref="RollingReplace"/>; a StopApplication step kills everything and removes the app.
/// Instances that end are replaced the same way, which is how failed tasks and tasks on lost
/// agents come back.
/// </para>
/// </summary>
public sealed class ServiceScheduler
{
    private readonly ServiceSchedulerOptions _options;
    private readonly OfferMatcher _matcher;
    private readonly SortedDictionary<string, AppState> _apps = new(StringComparer.Ordinal);
    private DateTimeOffset _lastReconcile = DateTimeOffset.MinValue;
    private bool _wantsOffers = true;

    /// <summary>A scheduler with no apps.</summary>
    public ServiceScheduler(ServiceSchedulerOptions? options = null)
    {
        _options = options ?? new ServiceSchedulerOptions();
        _matcher = new OfferMatcher(_options.PortRandom);
    }

    /// <summary>Offers each waiting app saw and why they did not fit (what <c>/v2/queue</c> explains).</summary>
    public OfferStatistics Offers { get; } = new();

    /// <summary>Every app, by id.</summary>
    public IEnumerable<AppState> Apps => _apps.Values;

    /// <summary>The tracked instances.</summary>
    public InstanceTracker Instances { get; } = new();

    /// <summary>Every deployment under way.</summary>
    public IEnumerable<Deployment> Deployments => _apps.Values.Select(a => a.Deployment).OfType<Deployment>();

    /// <summary>The app <paramref name="id"/>, or null.</summary>
    public AppState? App(AppId id) => _apps.GetValueOrDefault(id.Value);

    /// <summary>Puts back an app (and its deployment) from the state store after a restart, before any input.</summary>
    public void Restore(AppState app) => _apps[app.Definition.Id.Value] = app;

    /// <summary>Creates <paramref name="app"/> (stamped with version <paramref name="now"/>, to the millisecond) and deploys it.</summary>
    public SubmitResult Create(AppDefinition app, DateTimeOffset now, Decisions decisions)
    {
        if (_apps.ContainsKey(app.Id.Value)) return new SubmitResult(null, SubmitError.AppExists);
        var version = ToMillisecond(now);
        var state = new AppState(app with { Version = version }, version);
        _apps[app.Id.Value] = state;
        return Deploy(state, null, state.Definition, now, restart: false, decisions);
    }

    /// <summary>Replaces app <paramref name="app"/>.Id's definition (creating it when absent, as Marathon's PUT) and deploys the change.</summary>
    /// <param name="app">The new definition.</param>
    /// <param name="now">The time; the new version.</param>
    /// <param name="force">Replace a deployment under way instead of refusing (Marathon's <c>?force=true</c>).</param>
    /// <param name="decisions">Where decisions go.</param>
    public SubmitResult Update(AppDefinition app, DateTimeOffset now, bool force, Decisions decisions)
    {
        if (!_apps.TryGetValue(app.Id.Value, out var state)) return Create(app, now, decisions);
        if (state.Deployment is { } blocking && !force) return new SubmitResult(null, SubmitError.Locked, blocking);
        var original = state.Definition;
        var version = NextVersion(state, now);
        var target = app with { Version = version };
        state.PreviousConfigVersion = state.ConfigVersion;
        if (!Deployment.OnlyScaled(original, target))
        {
            state.ConfigVersion = version;
            state.Delay = Launching.LaunchDelay.None; // a new version starts without the old one's backoff
        }
        state.Definition = target;
        return Deploy(state, original, target, now, restart: false, decisions);
    }

    /// <summary>Restarts every instance of an app, rolling, by giving it a new configuration version.</summary>
    public SubmitResult Restart(AppId id, DateTimeOffset now, bool force, Decisions decisions)
    {
        if (!_apps.TryGetValue(id.Value, out var state)) return new SubmitResult(null, SubmitError.UnknownApp);
        if (state.Deployment is { } blocking && !force) return new SubmitResult(null, SubmitError.Locked, blocking);
        var original = state.Definition;
        var version = NextVersion(state, now);
        state.PreviousConfigVersion = state.ConfigVersion;
        state.ConfigVersion = version;
        state.Definition = original with { Version = version };
        return Deploy(state, original, state.Definition, now, restart: true, decisions);
    }

    /// <summary>Deletes an app: a StopApplication deployment kills its instances, then it is gone.</summary>
    public SubmitResult Delete(AppId id, DateTimeOffset now, bool force, Decisions decisions)
    {
        if (!_apps.TryGetValue(id.Value, out var state)) return new SubmitResult(null, SubmitError.UnknownApp);
        if (state.Deployment is { Target: not null } blocking && !force) return new SubmitResult(null, SubmitError.Locked, blocking);
        return Deploy(state, state.Definition, null, now, restart: false, decisions);
    }

    /// <summary>
    /// Cancels a deployment (Marathon's <c>DELETE /v2/deployments/{id}</c>): with <paramref name="force"/> it just
    /// stops where it is; without, it is rolled back (a new deployment to the app's previous definition).
    /// </summary>
    /// <returns>The rollback deployment (null when forced), or an error when no such deployment exists.</returns>
    public SubmitResult CancelDeployment(string deploymentId, DateTimeOffset now, bool force, Decisions decisions)
    {
        if (_apps.Values.FirstOrDefault(a => a.Deployment?.Id == deploymentId) is not { } state)
            return new SubmitResult(null, SubmitError.UnknownApp);
        if (force)
        {
            state.Deployment = null;
            decisions.AppChanged(state.Definition.Id);
            Converge(state, now, decisions);
            return new SubmitResult(null);
        }
        return Rollback(state, now, decisions, reason: "cancelled");
    }

    /// <summary>The framework (re)subscribed: reconcile every instance explicitly, and want offers.</summary>
    public void Subscribed(DateTimeOffset now, Decisions decisions)
    {
        decisions.Reconcile = Instances.All.Select(i => (i.TaskId, i.Agent.Id.Value)).ToList();
        _lastReconcile = now;
        _wantsOffers = !WantsOffers(now); // force the next call to say it
        UpdateOfferInterest(now, decisions);
    }

    /// <summary>A status update: applied to its instance, which may end (and be replaced) or change health.</summary>
    public void OnStatus(TaskStatus status, DateTimeOffset now, Decisions decisions)
    {
        var change = Instances.Apply(status, now);
        if (change is null)
        {
            if (Instances.Get(status.TaskId.Value) is { Condition: Condition.Killing } killing && !TaskStates.IsTerminal(status.State))
            {
                // Still alive though we asked for its end (the kill was lost, or the agent restarted): ask again.
                decisions.Kills.Add(new Kill(killing.TaskId, killing.Agent.Id.Value, App(killing.AppId)?.Definition.TaskKillGracePeriod));
            }
            else if (Instances.Get(status.TaskId.Value) is null && !TaskStates.IsTerminal(status.State))
            {
                // Nobody here owns the task (a launch lost before it was saved, or a deleted app's task): kill it.
                decisions.Kills.Add(new Kill(status.TaskId.Value, status.AgentId?.Value, null));
                decisions.Events.Add(Event("unknown_instance_terminated_event", now, ("taskId", status.TaskId.Value)));
            }
            return;
        }
        var instance = change.After;
        decisions.InstanceChanged(instance.TaskId);
        decisions.Events.Add(Event("status_update_event", now, ("taskId", instance.TaskId), ("appId", instance.AppId.Value),
            ("taskStatus", TaskStates.Name(status.State)), ("slaveId", instance.Agent.Id.Value), ("host", instance.Agent.Hostname),
            ("ports", instance.Ports), ("version", Versions.Format(instance.Version)), ("message", instance.Message)));
        if (change.Before.Healthy != instance.Healthy && instance.Healthy is { } alive)
            decisions.Events.Add(Event("health_status_changed_event", now, ("appId", instance.AppId.Value), ("taskId", instance.TaskId),
                ("version", Versions.Format(instance.Version)), ("alive", alive)));
        if (!_apps.TryGetValue(instance.AppId.Value, out var app)) return;
        if (change.Ended && TaskFailure.IsFailure(status.State))
        {
            app.LastTaskFailure = new TaskFailure(instance.TaskId, TaskStates.Name(status.State), instance.Message ?? "",
                instance.Agent.Hostname, instance.Agent.Id.Value, instance.Version, now);
            decisions.ChangedApps.Add(app.Definition.Id);
        }
        var current = instance.Version == app.ConfigVersion;
        if (current && change.Failed) app.Delay = app.Delay.Failed(app.Backoff, now);
        if (current && app.Deployment is not null && (change.Failed || instance.Healthy == false && change.Before.Healthy != false))
            app.DeploymentFailures++;
        Converge(app, now, decisions);
        UpdateOfferInterest(now, decisions);
    }

    /// <summary>The clock moved: backoffs expire or reset, deployments past their deadline roll back, reconciliation comes due.</summary>
    public void Tick(DateTimeOffset now, Decisions decisions)
    {
        foreach (var app in _apps.Values.ToList())
        {
            var checks = app.Definition.HealthChecks.Count > 0;
            if (app.Delay.Failures > 0)
                foreach (var up in Instances.Of(app.Definition.Id).Where(i => i.Version == app.ConfigVersion && i.IsHealthy(checks)))
                    app.Delay = app.Delay.StayedUp(up.StartedAt ?? up.Since, now);
            if (app.Deployment is { Original: not null, Target: not null } d && app.DeploymentFailures > 0 && now - d.Started >= _options.RollbackAfter)
                Rollback(app, now, decisions, reason: $"new instances failed {app.DeploymentFailures} time(s) and the deployment was not done after {_options.RollbackAfter.TotalSeconds:0} s");
            else Converge(app, now, decisions);
        }
        if (now - _lastReconcile >= _options.ReconcileInterval)
        {
            decisions.Reconcile = Instances.All.Select(i => (i.TaskId, i.Agent.Id.Value)).ToList();
            _lastReconcile = now;
        }
        UpdateOfferInterest(now, decisions);
    }

    /// <summary>Offers: each is used for as many wanted instances as fit (apps in id order), or declined.</summary>
    public void OnOffers(IReadOnlyList<Offer> offers, DateTimeOffset now, Decisions decisions)
    {
        var wanting = _apps.Values.Where(a => a.Wanted > 0 && a.Delay.Allows(now)).ToList();
        var delayed = _apps.Values.Count(a => a.Wanted > 0 && !a.Delay.Allows(now));
        foreach (var offer in offers)
        {
            var rejections = new List<string>();
            var tasks = wanting.Count == 0 ? [] : Place(offer, wanting, now, decisions, rejections);
            if (tasks.Count > 0) decisions.Launches.Add(new Launch(offer.Id, tasks));
            else decisions.Decline(offer.Id, rejections.Count > 0 ? string.Join("; ", rejections)
                : delayed > 0 ? $"no app is waiting for instances ({delayed} backing off after failures)" : "no app is waiting for instances");
        }
        UpdateOfferInterest(now, decisions);
    }

    private List<TaskInfo> Place(Offer offer, List<AppState> wanting, DateTimeOffset now, Decisions decisions, List<string> rejections)
    {
        var agent = new AgentFacts(new Kernel.AgentId(offer.AgentId.Value), offer.Hostname, ResourceConversion.ToModel(offer.Attributes, "offer.attributes"));
        var left = ResourceConversion.ToModel(offer.Resources, "offer.resources");
        var tasks = new List<TaskInfo>();
        foreach (var app in wanting)
        {
            // Constraints look at where the app's current instances run; without constraints nothing does.
            var placement = app.Definition.Constraints.Count == 0 ? CurrentPlacement.None
                : new CurrentPlacement(Instances.Of(app.Definition.Id).Where(i => i.Version == app.ConfigVersion && i.IsActive)
                    .OrderBy(i => i.StagedAt).Select(i => i.Agent).ToList());
            var placed = 0;
            while (app.Wanted > 0)
            {
                var match = _matcher.Match(new OfferFacts(agent, left), app.Definition, placement);
                // One record per offer and app: used when it took a task, else why not.
                if (placed++ == 0) Offers.Record(app.Definition.Id, agent.Id, match, now);
                if (match is OfferRejected rejected && placed == 1) rejections.Add($"{app.Definition.Id}: {rejected}");
                if (match is not OfferMatched taken) break;
                var taskId = TaskIds.New(app.Definition.Id, _options.NewId());
                decisions.InstanceChanged(taskId);
                tasks.Add(TaskBuilder.Build(app.Definition, app.ConfigVersion, taskId, offer.AgentId.Value, offer.Hostname, taken.Resources, taken.HostPorts));
                Instances.Add(new Instance(taskId, app.Definition.Id, app.ConfigVersion, agent, taken.HostPorts,
                    Condition.Provisioned, null, now, null, now, null));
                left -= taken.Resources;
                if (app.Definition.Constraints.Count > 0) placement = placement.With(agent);
                app.Wanted--;
            }
        }
        return tasks;
    }

    /// <summary>Applies <see cref="Convergence"/> to <paramref name="app"/>: kills, the wanted count, and the
    /// deployment's progress (the next step, or its end).</summary>
    private void Converge(AppState app, DateTimeOffset now, Decisions decisions)
    {
        while (true)
        {
            var id = app.Definition.Id;
            var step = Convergence.Next(app.Definition, app.ConfigVersion, app.Deployment?.CurrentAction, Instances.Counts(id), () => Instances.Of(id));
            foreach (var victim in step.Kill)
            {
                Instances.MarkKilling(victim.TaskId, now);
                decisions.Kills.Add(new Kill(victim.TaskId, victim.Agent.Id.Value, app.Definition.TaskKillGracePeriod));
                decisions.InstanceChanged(victim.TaskId);
            }
            if (step.Wanted == 0 && app.Wanted > 0) Offers.LaunchFinished(app.Definition.Id);
            app.Wanted = step.Wanted;
            if (!step.StepDone || app.Deployment is not { } deployment) return;
            decisions.AppChanged(app.Definition.Id);
            var next = deployment with { CurrentStep = deployment.CurrentStep + 1 };
            decisions.Events.Add(Event("deployment_step_success", now, ("id", deployment.Id), ("appId", deployment.AppId.Value),
                ("step", deployment.CurrentAction.ToString())));
            if (next.CurrentAction is not null)
            {
                app.Deployment = next;
                continue;
            }
            app.Deployment = null;
            decisions.Events.Add(Event("deployment_success", now, ("id", deployment.Id), ("appId", deployment.AppId.Value)));
            if (deployment.Target is null)
            {
                _apps.Remove(app.Definition.Id.Value);
                Offers.LaunchFinished(app.Definition.Id);
                decisions.Events.Add(Event("app_terminated_event", now, ("appId", deployment.AppId.Value)));
            }
            return;
        }
    }

    private bool WantsOffers(DateTimeOffset now) => _apps.Values.Any(a => a.Wanted > 0 && a.Delay.Allows(now));

    /// <summary>Says REVIVE or SUPPRESS when whether any app wants offers has changed.</summary>
    private void UpdateOfferInterest(DateTimeOffset now, Decisions decisions)
    {
        var wants = WantsOffers(now);
        if (wants == _wantsOffers) return;
        _wantsOffers = wants;
        decisions.WantOffers = wants;
    }

    private SubmitResult Deploy(AppState state, AppDefinition? original, AppDefinition? target, DateTimeOffset now, bool restart, Decisions decisions)
    {
        var deployment = Deployment.Plan(_options.NewId().ToString("D"), original, target, now, restart);
        state.Deployment = deployment;
        state.DeploymentFailures = 0;
        decisions.AppChanged(state.Definition.Id);
        decisions.Events.Add(Event("deployment_info", now, ("id", deployment.Id), ("appId", deployment.AppId.Value),
            ("steps", deployment.Steps.Select(s => s.ToString()).ToList()), ("currentStep", 1)));
        Converge(state, now, decisions);
        UpdateOfferInterest(now, decisions);
        return new SubmitResult(deployment);
    }

    private SubmitResult Rollback(AppState app, DateTimeOffset now, Decisions decisions, string reason)
    {
        var failed = app.Deployment!;
        decisions.Events.Add(Event("deployment_failed", now, ("id", failed.Id), ("appId", failed.AppId.Value), ("reason", reason)));
        if (failed.Original is null)
        {
            // A new app has nothing to go back to: it is removed, as Marathon's rollback of a creation does.
            return Deploy(app, app.Definition, null, now, restart: false, decisions);
        }
        var target = failed.Original with { Version = NextVersion(app, now) };
        var original = app.Definition;
        (app.ConfigVersion, app.PreviousConfigVersion) = (app.PreviousConfigVersion ?? app.ConfigVersion, app.ConfigVersion);
        app.Definition = target;
        return Deploy(app, original, target, now, restart: false, decisions);
    }

    /// <summary>A version stamp for a change of <paramref name="app"/> at <paramref name="now"/>: now, or a millisecond past
    /// the app's latest stamp when the clock has not moved on (two changes in one millisecond must differ: the
    /// configuration version tells old instances from new).</summary>
    /// <summary>A new version: <paramref name="now"/> to the millisecond (Marathon's precision, so a version shown
    /// by the API finds its app again), later than every version the app had.</summary>
    private static DateTimeOffset NextVersion(AppState app, DateTimeOffset now)
    {
        var latest = new[] { app.ConfigVersion, app.Definition.Version ?? app.ConfigVersion }.Max();
        var stamp = ToMillisecond(now);
        return stamp > latest ? stamp : latest.AddMilliseconds(1);
    }

    private static DateTimeOffset ToMillisecond(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static ServiceEvent Event(string type, DateTimeOffset at, params (string Name, object? Value)[] fields) =>
        new(type, at, fields.ToDictionary(f => f.Name, f => f.Value));

    /// <summary>
    /// Forgets an app's launch backoff so its waiting instances may launch at once (Marathon's
    /// <c>DELETE /v2/queue/{appId}/delay</c>); the next failure starts the backoff from
    /// <c>backoffSeconds</c> again.
    /// </summary>
    /// <returns>False, changing nothing, when the app does not exist or wants no instances launched
    /// (it is not in the launch queue).</returns>
    public bool ResetDelay(AppId id, DateTimeOffset now, Decisions decisions)
    {
        if (!_apps.TryGetValue(id.Value, out var app) || app.Wanted == 0) return false;
        app.Delay = Launching.LaunchDelay.None;
        decisions.AppChanged(id);
        UpdateOfferInterest(now, decisions);
        return true;
    }

    /// <summary>
    /// Kills the tracked instances among <paramref name="taskIds"/> (Marathon's <c>DELETE
    /// /v2/apps/{id}/tasks</c> and <c>POST /v2/tasks/delete</c> without <c>scale</c>): each gets a kill
    /// with its app's grace period, and its app replaces it as any instance that ends (a kill does not
    /// count against the backoff). Task ids not tracked are ignored.
    /// </summary>
    /// <returns>The instances killed, as they were before the kill, in the order of <paramref name="taskIds"/>.</returns>
    public IReadOnlyList<Instance> KillInstances(IEnumerable<string> taskIds, DateTimeOffset now, Decisions decisions)
    {
        var killed = MarkKilled(taskIds, now, decisions);
        foreach (var appId in killed.Select(i => i.AppId).Distinct())
            if (_apps.TryGetValue(appId.Value, out var app)) Converge(app, now, decisions);
        UpdateOfferInterest(now, decisions);
        return killed;
    }

    /// <summary>
    /// Kills the active instances of app <paramref name="id"/> among <paramref name="taskIds"/> and lowers its
    /// instance count by as many, as one ScaleApplication deployment (Marathon's <c>?scale=true</c> on
    /// <c>DELETE /v2/apps/{id}/tasks</c> and <c>POST /v2/tasks/delete</c>). Instances already being killed
    /// and task ids of other apps are ignored; the count never goes below 0.
    /// </summary>
    /// <returns>The deployment, or <see cref="SubmitError.UnknownApp"/>, or <see cref="SubmitError.Locked"/>
    /// (nothing killed) when a deployment is under way and <paramref name="force"/> is false.</returns>
    public SubmitResult KillAndScale(AppId id, IEnumerable<string> taskIds, DateTimeOffset now, bool force, Decisions decisions)
    {
        if (!_apps.TryGetValue(id.Value, out var state)) return new SubmitResult(null, SubmitError.UnknownApp);
        if (state.Deployment is { } blocking && !force) return new SubmitResult(null, SubmitError.Locked, blocking);
        var mine = taskIds.Where(t => Instances.Get(t) is { AppId: var app, Condition: not Condition.Killing } && app == id);
        var killed = MarkKilled(mine, now, decisions);
        var target = state.Definition with { Instances = Math.Max(0, state.Definition.Instances - killed.Count) };
        return Update(target, now, force: true, decisions);
    }

    private List<Instance> MarkKilled(IEnumerable<string> taskIds, DateTimeOffset now, Decisions decisions)
    {
        var killed = new List<Instance>();
        foreach (var taskId in taskIds.Distinct(StringComparer.Ordinal))
        {
            if (Instances.Get(taskId) is not { } instance) continue;
            Instances.MarkKilling(taskId, now);
            var grace = _apps.GetValueOrDefault(instance.AppId.Value)?.Definition.TaskKillGracePeriod;
            decisions.Kills.Add(new Kill(taskId, instance.Agent.Id.Value, grace));
            decisions.InstanceChanged(taskId);
            killed.Add(instance);
        }
        return killed;
    }
}
