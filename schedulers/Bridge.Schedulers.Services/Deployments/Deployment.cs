using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Deployments;

/// <summary>What a deployment step does to its app (Marathon's deployment action names).</summary>
public enum DeploymentActionType
{
    /// <summary><c>StartApplication</c>: a new app, with no instances yet.</summary>
    StartApplication,
    /// <summary><c>ScaleApplication</c>: start or kill instances until the app has its instance count, all healthy.</summary>
    ScaleApplication,
    /// <summary><c>RestartApplication</c>: replace every instance by one of the new version, rolling
    /// (<see cref="RollingReplace"/>).</summary>
    RestartApplication,
    /// <summary><c>StopApplication</c>: kill every instance and remove the app.</summary>
    StopApplication,
}

/// <summary>
/// A change of one app, planned as steps that run one after the other (Marathon's
/// <c>DeploymentPlan</c> for a single app: Bridge has no groups). A new app:
/// StartApplication, then ScaleApplication; a changed instance count: ScaleApplication; any other
/// change, or a restart: RestartApplication; a deletion: StopApplication.
/// </summary>
/// <param name="Id">The deployment's id (a UUID, as Marathon).</param>
/// <param name="AppId">The app it changes.</param>
/// <param name="Original">The app before (null: a new app).</param>
/// <param name="Target">The app after (null: a deletion).</param>
/// <param name="Steps">The steps, in order; each one action.</param>
/// <param name="Started">When it was created.</param>
/// <param name="CurrentStep">The step under way, 0-based (equals the step count when done).</param>
public sealed record Deployment(
    string Id, AppId AppId, AppDefinition? Original, AppDefinition? Target,
    IReadOnlyList<DeploymentActionType> Steps, DateTimeOffset Started, int CurrentStep = 0)
{
    /// <summary>The action of the step under way, or null when every step is done.</summary>
    public DeploymentActionType? CurrentAction => CurrentStep < Steps.Count ? Steps[CurrentStep] : null;

    /// <summary>The version the deployment deploys: the target's (or, for a deletion, the original's).</summary>
    public DateTimeOffset? Version => (Target ?? Original)?.Version;

    /// <summary>Plans the change from <paramref name="original"/> to <paramref name="target"/>; <paramref name="restart"/>
    /// forces a rolling restart even when only the version changed.</summary>
    /// <exception cref="ArgumentException">Both are null, or their ids differ.</exception>
    public static Deployment Plan(string id, AppDefinition? original, AppDefinition? target, DateTimeOffset now, bool restart = false)
    {
        var app = (target ?? original ?? throw new ArgumentException("a deployment needs an original or a target app")).Id;
        if (original is not null && target is not null && original.Id != target.Id)
            throw new ArgumentException($"a deployment changes one app: {original.Id} is not {target.Id}");
        IReadOnlyList<DeploymentActionType> steps = (original, target) switch
        {
            (null, _) => [DeploymentActionType.StartApplication, DeploymentActionType.ScaleApplication],
            (_, null) => [DeploymentActionType.StopApplication],
            _ when !restart && OnlyScaled(original, target) => [DeploymentActionType.ScaleApplication],
            _ => [DeploymentActionType.RestartApplication],
        };
        return new Deployment(id, app, original, target, steps, now);
    }

    /// <summary>The two versions differ in nothing but their instance count (and version stamp).</summary>
    public static bool OnlyScaled(AppDefinition original, AppDefinition target) =>
        original with { Instances = target.Instances, Version = target.Version } == target;
}
