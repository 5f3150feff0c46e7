namespace Bridge.Schedulers.Services.Constraints;

/// <summary>Why a constraint rules an agent out.</summary>
/// <param name="Constraint">The constraint that does not hold.</param>
/// <param name="Reason">Why, in words, naming the field's value on the agent (e.g. <c>hostname 'a1' already has a task of this app</c>).</param>
public sealed record ConstraintRejection(Constraint Constraint, string Reason)
{
    /// <summary><c>field:OPERATOR(:value): reason</c>.</summary>
    public override string ToString() => $"{Constraint}: {Reason}";
}

/// <summary>
/// Decides whether an app's next task may go on an agent, constraint by constraint, with Marathon's
/// semantics (mesos/Constraints.scala, docs/docs/constraints.md). Pure: the answer depends only on
/// the arguments. An agent without the constraint's field is ruled out by every operator but UNLIKE.
/// Per operator, with <c>v</c> the agent's value (<see cref="AgentFacts.ValueOf"/>) and "tasks" the
/// app's current tasks (<see cref="CurrentPlacement.TaskAgents"/>):
/// <list type="bullet">
/// <item>UNIQUE: no task has <c>v</c>.</item>
/// <item>CLUSTER: <c>v</c> is the value; without one, no tasks yet or <c>v</c> is the first task's.</item>
/// <item>GROUP_BY n (n = 0 without a value): <c>v</c> has no task yet; or at least n values are in
/// use and <c>v</c> has no more tasks than the least-used value (values of
/// <see cref="CurrentPlacement.SeenAgents"/> count as in use with none). This is Marathon 1.4–1.9's
/// rule; Marathon 1.10 replaced it late in its life (MARATHON-8752) with one that divides the
/// instance count by n, which fails without a value.</item>
/// <item>LIKE / UNLIKE: <c>v</c> fully matches / does not match the regular expression.</item>
/// <item>MAX_PER n: fewer than n tasks have <c>v</c>.</item>
/// <item>IS: <c>v</c> equals the value (numbers compared to the thousandth, rounded half-even).</item>
/// </list>
/// Cost: O(tasks + seen agents) per field on a placement's first use, then O(1) per check (LIKE and
/// UNLIKE: linear in the value's length).
/// </summary>
public static class ConstraintEvaluator
{
    /// <summary>Checks one constraint.</summary>
    /// <returns>Null when <paramref name="candidate"/> may take the next task; otherwise why not.</returns>
    public static ConstraintRejection? Check(Constraint constraint, AgentFacts candidate, CurrentPlacement placement)
    {
        string field = constraint.Field;
        if (candidate.ValueOf(field) is not { } v)
            return constraint.Operator == ConstraintOperator.Unlike ? null : Reject(constraint, $"the agent has no attribute '{field}'");
        return constraint.Operator switch
        {
            ConstraintOperator.Unique => placement.CountsFor(field).Count(v) == 0 ? null
                : Reject(constraint, $"{field} '{v}' already has a task of this app"),
            ConstraintOperator.Cluster => CheckCluster(constraint, v, placement),
            ConstraintOperator.GroupBy => CheckGroupBy(constraint, v, placement.CountsFor(field)),
            ConstraintOperator.Like => constraint.Pattern!.IsMatch(v) ? null
                : Reject(constraint, $"{field} '{v}' does not match '{constraint.Value}'"),
            ConstraintOperator.Unlike => !constraint.Pattern!.IsMatch(v) ? null
                : Reject(constraint, $"{field} '{v}' matches '{constraint.Value}'"),
            ConstraintOperator.MaxPer => CheckMaxPer(constraint, v, placement.CountsFor(field).Count(v)),
            ConstraintOperator.Is => v == constraint.Comparand ? null
                : Reject(constraint, $"{field} is '{v}', not '{constraint.Value}'"),
            _ => throw new InvalidOperationException($"unknown operator {constraint.Operator}"),
        };
    }

    /// <summary>Checks every constraint, in order.</summary>
    /// <returns>The rejections of the constraints that do not hold; empty when the agent may take the next task.</returns>
    public static IReadOnlyList<ConstraintRejection> CheckAll(IEnumerable<Constraint> constraints, AgentFacts candidate, CurrentPlacement placement)
    {
        List<ConstraintRejection>? rejections = null;
        foreach (var c in constraints)
            if (Check(c, candidate, placement) is { } r) (rejections ??= []).Add(r);
        return rejections ?? (IReadOnlyList<ConstraintRejection>)[];
    }

    private static ConstraintRejection? CheckMaxPer(Constraint c, string v, int have) =>
        have < c.Number ? null : Reject(c, $"{c.Field} '{v}' already has {Tasks(have)} of this app (at most {c.Number})");

    private static ConstraintRejection? CheckCluster(Constraint c, string v, CurrentPlacement placement)
    {
        if (c.Value is not null)
            return v == c.Value ? null : Reject(c, $"{c.Field} is '{v}', not '{c.Value}'");
        var counts = placement.CountsFor(c.Field);
        if (!counts.HasTasks || v == counts.First) return null;
        return counts.First is null
            ? Reject(c, $"the app's first task runs on an agent without attribute '{c.Field}'")
            : Reject(c, $"{c.Field} is '{v}' but the app's tasks are on '{counts.First}'");
    }

    private static ConstraintRejection? CheckGroupBy(Constraint c, string v, FieldCounts counts)
    {
        int have = counts.Count(v);
        if (have == 0) return null; // a value without tasks is always welcome
        int groups = counts.ByValue.Count + (counts.Missing > 0 ? 1 : 0) + counts.Unused.Count;
        if (groups < c.Number)
            return Reject(c, $"{c.Field} '{v}' already has {Tasks(have)} and only {groups} of at least {c.Number} {c.Field} values are in use: "
                + "waiting for an offer with another value");
        int least = counts.Unused.Count > 0 ? 0 : counts.ByValue.Values.Min();
        if (counts.Missing > 0) least = Math.Min(least, counts.Missing);
        return have == least ? null
            : Reject(c, $"{c.Field} '{v}' has {Tasks(have)}, more than the least-used value ({least})");
    }

    private static string Tasks(int n) => n == 1 ? "1 task" : $"{n} tasks";

    private static ConstraintRejection Reject(Constraint c, string reason) => new(c, reason);
}
