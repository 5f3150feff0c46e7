using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Scheduling;

/// <summary>
/// How the REST layer (and the CLI behind it) reaches a running services scheduler: reads and
/// changes run on the scheduler's own loop, one at a time, against its <see cref="ServiceScheduler"/>,
/// so they see a consistent state and need no locks. A change's <see cref="Decisions"/> are carried
/// out (saved, launched, killed, published) before its task completes.
/// </summary>
public interface IServicesControl
{
    /// <summary>Runs <paramref name="read"/> on the loop with the current time and returns its result.
    /// <paramref name="read"/> must not change the scheduler.</summary>
    Task<T> ReadAsync<T>(Func<ServiceScheduler, DateTimeOffset, T> read);

    /// <summary>Runs <paramref name="change"/> on the loop with the current time and a fresh
    /// <see cref="Decisions"/>, carries the decisions out, and returns the change's result.</summary>
    Task<T> ChangeAsync<T>(Func<ServiceScheduler, DateTimeOffset, Decisions, T> change);

    /// <summary>Every event from now on (Marathon's event stream, <c>/v2/events</c>), until
    /// <paramref name="cancellationToken"/> is cancelled or the scheduler stops.</summary>
    IAsyncEnumerable<ServiceEvent> EventsAsync(CancellationToken cancellationToken);

    /// <summary>The versions app <paramref name="id"/> has had, newest first (Marathon's
    /// <c>GET /v2/apps/{id}/versions</c>): one per saved change of its definition, scaling and restarts
    /// included, kept until the app is deleted; empty for an app that does not exist.</summary>
    Task<IReadOnlyList<DateTimeOffset>> VersionsAsync(AppId id);

    /// <summary>App <paramref name="id"/> as it was at <paramref name="version"/> (compared to the
    /// millisecond, the precision versions are shown with), its <see cref="AppDefinition.Version"/> set;
    /// null when the app or that version does not exist.</summary>
    Task<AppDefinition?> VersionAsync(AppId id, DateTimeOffset version);

    /// <summary>What <c>/v2/info</c> shows: the framework's name and id (null before it first subscribed),
    /// the master it talks to, and Bridge's version.</summary>
    ServicesInfo Info { get; }
}

/// <summary>What <c>/v2/info</c> shows about a services scheduler.</summary>
/// <param name="Name">The framework name (default <c>bridge-services</c>).</param>
/// <param name="FrameworkId">The framework id, or null before the first subscription.</param>
/// <param name="Master">The master's address, e.g. <c>http://127.0.0.1:5050</c>.</param>
/// <param name="Version">Bridge's version.</param>
public sealed record ServicesInfo(string Name, string? FrameworkId, string Master, string Version);
