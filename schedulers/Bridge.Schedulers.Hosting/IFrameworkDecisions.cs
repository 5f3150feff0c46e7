using Bridge.Kernel.V1;

namespace Bridge.Schedulers.Hosting;

/// <summary>
/// What a decision core decided in one step, as a <see cref="FrameworkShell{TDecisions, TEvent}"/>
/// carries it out, in this order: save (when <see cref="Changed"/>), launch, decline, kill,
/// reconcile, revive or suppress, publish the events. The services scheduler's and the jobs
/// scheduler's <c>Decisions</c> implement it; each keeps its own richer shape (what changed, for
/// its store) behind it.
/// </summary>
/// <typeparam name="TEvent">The scheduler's event type (what its event stream carries).</typeparam>
public interface IFrameworkDecisions<out TEvent>
{
    /// <summary>Something must be saved before anything goes to the master.</summary>
    bool Changed { get; }

    /// <summary>Tasks to launch, grouped by the offer they use (one ACCEPT per offer). The tasks are
    /// already recorded in the core, so they are saved before they are launched.</summary>
    IEnumerable<(OfferID OfferId, IReadOnlyList<TaskInfo> Tasks)> Launches { get; }

    /// <summary>Offers not used (one DECLINE per distinct reason).</summary>
    IReadOnlyCollection<OfferID> Declines { get; }

    /// <summary>Why each declined offer was not used, by offer id, for people (sent as <c>Decline.reason</c>);
    /// an offer without an entry is declined with no reason.</summary>
    IReadOnlyDictionary<string, string> DeclineReasons { get; }

    /// <summary>Tasks to kill: the task id, its agent when known, and the time between SIGTERM and
    /// SIGKILL (null: the task's own kill policy, else the agent's default).</summary>
    IEnumerable<(string TaskId, string? AgentId, TimeSpan? GracePeriod)> Kills { get; }

    /// <summary>Tasks to reconcile with the master (explicit reconciliation), or null for none; an
    /// empty collection asks for implicit reconciliation (every task of the framework).</summary>
    IReadOnlyCollection<(string TaskId, string AgentId)>? Reconcile { get; }

    /// <summary>True: offers are wanted again (REVIVE); false: none are (SUPPRESS); null: no change.</summary>
    bool? WantOffers { get; }

    /// <summary>Events for the scheduler's event stream, in the order they happened.</summary>
    IReadOnlyList<TEvent> Events { get; }
}
