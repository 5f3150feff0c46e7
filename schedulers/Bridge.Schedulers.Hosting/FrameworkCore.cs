using Bridge.Kernel.V1;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Hosting;

/// <summary>
/// A decision core and its store as a <see cref="FrameworkShell{TDecisions, TEvent}"/> drives them:
/// the core's four inputs from the kernel and the clock, each given the time and a fresh
/// <typeparamref name="TDecisions"/> to fill, and the two save steps. The shell calls every one of
/// them on its loop, one at a time, so they need no locks. Immutable.
/// </summary>
/// <typeparam name="TDecisions">The core's decisions.</typeparam>
public sealed record FrameworkCore<TDecisions>
{
    /// <summary>The framework id saved by an earlier run, or null for a first start. A shell that
    /// subscribes with it fails over the old framework and keeps (adopts) its tasks.</summary>
    public string? FrameworkId { get; init; }

    /// <summary>SUBSCRIBED (first time or again): the core reconciles its tasks and says whether it
    /// wants offers.</summary>
    public required Action<DateTimeOffset, TDecisions> Subscribed { get; init; }

    /// <summary>OFFERS: the core launches on them or declines them.</summary>
    public required Action<IReadOnlyList<Offer>, DateTimeOffset, TDecisions> Offers { get; init; }

    /// <summary>UPDATE: a task's status. It is acknowledged after its decisions are carried out
    /// (saved first).</summary>
    public required Action<TaskStatus, DateTimeOffset, TDecisions> Status { get; init; }

    /// <summary>The clock's tick (every <see cref="FrameworkShellOptions.TickInterval"/>).</summary>
    public required Action<DateTimeOffset, TDecisions> Tick { get; init; }

    /// <summary>Saves what the decisions say changed, as the core now holds it; called only when
    /// <see cref="IFrameworkDecisions{TEvent}.Changed"/>, before anything goes to the master. It
    /// throws to stop the decisions being carried out (the failure reaches the caller or the log).</summary>
    public required Action<TDecisions> Save { get; init; }

    /// <summary>Saves a new framework id durably (after the first subscription, or when the master
    /// gave another one).</summary>
    public required Action<string> SaveFrameworkId { get; init; }
}
