namespace Bridge.Schedulers.Jobs.Runs;

/// <summary>
/// How the REST layer (and the CLI behind it) reaches a running jobs scheduler: reads and changes
/// run on the scheduler's own loop, one at a time, against its <see cref="JobScheduler"/>, so they
/// see a consistent state and need no locks. A change's <see cref="Decisions"/> are carried out
/// (saved, launched, killed, published) before its task completes.
/// </summary>
public interface IJobsControl
{
    /// <summary>Runs <paramref name="read"/> on the loop with the current time and returns its result.
    /// <paramref name="read"/> must not change the scheduler.</summary>
    Task<T> ReadAsync<T>(Func<JobScheduler, DateTimeOffset, T> read);

    /// <summary>Runs <paramref name="change"/> on the loop with the current time and a fresh
    /// <see cref="Decisions"/>, carries the decisions out, and returns the change's result.</summary>
    Task<T> ChangeAsync<T>(Func<JobScheduler, DateTimeOffset, Decisions, T> change);

    /// <summary>Every event from now on, until <paramref name="cancellationToken"/> is cancelled or the scheduler stops.</summary>
    IAsyncEnumerable<JobEvent> EventsAsync(CancellationToken cancellationToken);
}
