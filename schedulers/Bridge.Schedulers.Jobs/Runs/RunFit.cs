using Bridge.Kernel;
using Bridge.Schedulers.Jobs.Definitions;

namespace Bridge.Schedulers.Jobs.Runs;

/// <summary>Whether a run fits an offer: what to take from it, or why not.</summary>
/// <param name="Taken">The resources the run's task takes (cpus, mem, disk), or null when it does not fit.</param>
/// <param name="Reason">Why it does not fit (<c>constraint rack EQUALS r1 does not hold</c>,
/// <c>cpus: needs 1, 0.5 offered</c>); null when it fits.</param>
public sealed record RunFit(Resources? Taken, string? Reason)
{
    /// <summary>
    /// Whether a run of <paramref name="job"/> fits what is left of an offer: every constraint holds
    /// (<see cref="ConstraintCheck"/>) and the job's cpus, mem and disk can be taken from resources
    /// the framework's role may use, reserved ones first (as Chronos prefers them).
    /// </summary>
    /// <param name="job">The job (its resources and constraints).</param>
    /// <param name="hostname">The offer's hostname.</param>
    /// <param name="attributes">The agent's attributes.</param>
    /// <param name="offered">What is left of the offer.</param>
    /// <param name="role">The framework's role: unreserved resources, and those reserved for this
    /// role or an ancestor of it, are used ("*": unreserved only).</param>
    /// <returns>The fit. Cost: O(resources + constraints).</returns>
    public static RunFit Of(JobDefinition job, string hostname, Attributes attributes, Resources offered, string role)
    {
        foreach (var constraint in job.Constraints)
            if (!ConstraintCheck.Holds(constraint, hostname, attributes))
                return new RunFit(null, $"constraint {constraint.Attribute} {constraint.OperatorText} {constraint.Value} does not hold on {hostname}");
        var usable = offered.Where(r => !r.IsPersistentVolume && (!r.IsReserved || role != Roles.Default && Roles.IsSelfOrAncestor(r.Role, role)))
            .OrderBy(r => r.IsReserved ? 0 : 1).ToList();
        var taken = new List<Resource>();
        var shortfalls = new List<string>();
        foreach (var (name, need) in new[] { ("cpus", job.Cpus), ("mem", job.MemMb), ("disk", job.DiskMb) })
        {
            var left = need;
            foreach (var r in usable.Where(r => r.Name == name && r.Type == ResourceType.Scalar))
            {
                if (left.IsZero) break;
                var take = Scalar.Min(left, r.Scalar);
                taken.Add(r.WithScalar(take));
                left -= take;
            }
            if (!left.IsZero) shortfalls.Add($"{name}: needs {need}, {need - left} offered");
        }
        return shortfalls.Count > 0 ? new RunFit(null, string.Join("; ", shortfalls)) : new RunFit(Resources.Of(taken), null);
    }
}
