using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Jobs.Definitions;

namespace Bridge.Schedulers.Jobs.Dependencies;

/// <summary>What a child's definition becomes when one of its parents is removed.</summary>
public static class ParentRemoval
{
    /// <summary>
    /// The child's definition after <paramref name="removed"/> is deleted, given its parents now
    /// (<see cref="JobRemoval.Children"/>). With parents left, the child keeps waiting for them.
    /// With none left (it was an only child of a root), it takes the removed job's schedule and
    /// time zone, as Chronos does on <c>DELETE /v1/scheduler/job/{name}</c>, so it keeps running
    /// on the rhythm it had; its own deadline, concurrency and everything else stay.
    /// </summary>
    /// <param name="child">The child's definition (a dependent job).</param>
    /// <param name="removed">The removed job's definition.</param>
    /// <param name="parentsNow">The child's parents after the removal.</param>
    /// <exception cref="ArgumentException"><paramref name="child"/> is not dependent, or it is left
    /// with no parents although <paramref name="removed"/> had parents itself (not a removal the
    /// graph produces).</exception>
    public static JobDefinition Rewire(JobDefinition child, JobDefinition removed, IReadOnlyCollection<JobName> parentsNow)
    {
        if (child.Kind != JobKind.Dependent) throw new ArgumentException($"job {child.Name} is not a dependent job", nameof(child));
        if (parentsNow.Count > 0) return child with { Parents = ValueList.From(parentsNow.Order()) };
        return removed.Kind switch
        {
            JobKind.Scheduled => child with { Parents = [], Schedule = removed.Schedule, TimeZone = removed.TimeZone },
            JobKind.Cron => child with { Parents = [], Cron = removed.Cron, TimeZone = removed.TimeZone },
            _ => throw new ArgumentException($"job {child.Name} cannot lose all its parents when {removed.Name} had parents", nameof(parentsNow)),
        };
    }
}
