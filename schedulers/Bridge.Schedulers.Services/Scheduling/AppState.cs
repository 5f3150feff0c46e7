using System.Globalization;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Deployments;
using Bridge.Schedulers.Services.Launching;

namespace Bridge.Schedulers.Services.Scheduling;

/// <summary>
/// One app as the scheduler holds it: its current definition and versions, its deployment under
/// way, its launch backoff, and how many instances it wants launched now. Owned by the
/// <see cref="ServiceScheduler"/>'s single thread; read it there (the REST layer reads snapshots).
/// </summary>
public sealed class AppState
{
    /// <summary>A new app with <paramref name="definition"/>, configured at <paramref name="configVersion"/>.</summary>
    public AppState(AppDefinition definition, DateTimeOffset configVersion)
    {
        Definition = definition;
        ConfigVersion = configVersion;
    }

    /// <summary>The current definition; its <see cref="AppDefinition.Version"/> is the latest change (scaling included).</summary>
    public AppDefinition Definition { get; internal set; }

    /// <summary>When the configuration last changed (Marathon's <c>versionInfo.lastConfigChangeAt</c>); instances launched
    /// with an older one are replaced by a restart.</summary>
    public DateTimeOffset ConfigVersion { get; internal set; }

    /// <summary>The configuration version before the last change, which a rollback returns to (null: none yet).</summary>
    public DateTimeOffset? PreviousConfigVersion { get; internal set; }

    /// <summary>The deployment under way, or null.</summary>
    public Deployment? Deployment { get; internal set; }

    /// <summary>Failures (ended or unhealthy instances of the new version) seen during the deployment under way.</summary>
    public int DeploymentFailures { get; internal set; }

    /// <summary>The app's last failed task, or null (Marathon's <c>lastTaskFailure</c>).</summary>
    public TaskFailure? LastTaskFailure { get; internal set; }

    /// <summary>The launch backoff.</summary>
    public LaunchDelay Delay { get; internal set; } = LaunchDelay.None;

    /// <summary>Instances the app wants launched now (the launch queue's count for it).</summary>
    public int Wanted { get; internal set; }

    /// <summary>The app's backoff policy, from its definition.</summary>
    public BackoffPolicy Backoff => new(Definition.Backoff, Definition.BackoffFactor, Definition.MaxLaunchDelay);
}

/// <summary>Marathon's version stamps: ISO 8601 UTC with milliseconds, <c>2026-11-22T12:00:00.000Z</c>.</summary>
public static class Versions
{
    /// <summary>Formats a version.</summary>
    public static string Format(DateTimeOffset version) =>
        version.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
