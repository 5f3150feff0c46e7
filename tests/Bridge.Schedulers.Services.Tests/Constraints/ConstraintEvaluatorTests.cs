using Bridge.Schedulers.Services.Constraints;
using static Bridge.Schedulers.Services.Tests.Constraints.Agents;

namespace Bridge.Schedulers.Services.Tests.Constraints;

/// <summary>One test per operator (with its variants), against Marathon's documented semantics.</summary>
public class ConstraintEvaluatorTests
{
    private static readonly AgentFacts R1a = Agent("a1", "rack:r1"), R1b = Agent("a2", "rack:r1"), R2 = Agent("a3", "rack:r2"),
        R3 = Agent("a4", "rack:r3"), NoRack = Agent("a5");

    private static bool Fits(Constraint c, AgentFacts candidate, CurrentPlacement placement) =>
        ConstraintEvaluator.Check(c, candidate, placement) is null;

    private static Constraint C(string field, ConstraintOperator op, string? value = null) => Constraint.Create(field, op, value);

    [Fact]
    public void Unique_RefusesAValueThatAlreadyHasATask()
    {
        var unique = C("hostname", ConstraintOperator.Unique);
        Assert.True(Fits(unique, R1a, CurrentPlacement.None));
        Assert.False(Fits(unique, R1a, Tasks(R1a)));
        Assert.True(Fits(unique, R1b, Tasks(R1a)));
        var byRack = C("rack", ConstraintOperator.Unique);
        Assert.False(Fits(byRack, R1b, Tasks(R1a)));
        Assert.True(Fits(byRack, R2, Tasks(R1a, NoRack)));
        var rejection = ConstraintEvaluator.Check(byRack, R1b, Tasks(R1a))!;
        Assert.Equal(byRack, rejection.Constraint);
        Assert.Equal("rack 'r1' already has a task of this app", rejection.Reason);
    }

    [Fact]
    public void Unique_OnTwoAgentsWithOneHostname_PlacesOnce()
    {
        var twin = Agent("twin", "", "a1.example");
        Assert.False(Fits(C("hostname", ConstraintOperator.Unique), twin, Tasks(R1a)));
    }

    [Fact]
    public void Cluster_WithValue_RequiresIt()
    {
        var cluster = C("rack", ConstraintOperator.Cluster, "r1");
        Assert.True(Fits(cluster, R1a, CurrentPlacement.None));
        Assert.False(Fits(cluster, R2, CurrentPlacement.None));
        Assert.True(Fits(C("hostname", ConstraintOperator.Cluster, "a1.example"), R1a, CurrentPlacement.None));
        Assert.False(Fits(C("hostname", ConstraintOperator.Cluster, "a1.example"), R1b, CurrentPlacement.None));
    }

    [Fact]
    public void Cluster_WithoutValue_PinsToTheFirstTasksValue()
    {
        var cluster = C("rack", ConstraintOperator.Cluster);
        Assert.True(Fits(cluster, R2, CurrentPlacement.None));
        Assert.True(Fits(cluster, R2, Tasks(R2)));
        Assert.False(Fits(cluster, R1a, Tasks(R2)));
        Assert.False(Fits(cluster, R1a, Tasks(NoRack)));
        Assert.False(Fits(C("hostname", ConstraintOperator.Cluster), R1b, Tasks(R1a)));
        Assert.Equal("rack is 'r1' but the app's tasks are on 'r2'", ConstraintEvaluator.Check(cluster, R1a, Tasks(R2, R1a))!.Reason);
    }

    [Fact]
    public void GroupBy_WithCount_FillsThatManyValuesFirst_ThenSpreadsEvenly()
    {
        var groupBy = C("rack", ConstraintOperator.GroupBy, "3");
        Assert.False(Fits(groupBy, R1b, Tasks(R1a, R2))); // 2 of 3 racks in use: a third is needed first
        Assert.True(Fits(groupBy, R3, Tasks(R1a, R2)));
        Assert.True(Fits(groupBy, R1b, Tasks(R1a, R2, R3)));
        Assert.False(Fits(groupBy, R1b, Tasks(R1a, R2, R3, R1a))); // r1 has 2, the others 1
        Assert.True(Fits(groupBy, R2, Tasks(R1a, R2, R3, R1a)));
        Assert.True(Fits(groupBy, Agent("a9", "rack:r4"), Tasks(R1a, R1a, R2, R2, R3, R3))); // a new value is always welcome
    }

    [Fact]
    public void GroupBy_WithoutCount_AndNothingSeen_BehavesAsMarathon()
    {
        var groupBy = C("rack", ConstraintOperator.GroupBy);
        Assert.True(Fits(groupBy, R1b, Tasks(R1a))); // only r1 known: stacking there is allowed, as Marathon's docs warn
        Assert.False(Fits(groupBy, R1b, Tasks(R1a, R2, R1a)));
        Assert.False(Fits(groupBy, R1b, Tasks(R1a, R1a, NoRack))); // tasks without the attribute count as one more group
    }

    [Fact]
    public void GroupBy_WithSeenAgents_SpreadsOverValuesWithoutTasks()
    {
        var groupBy = C("rack", ConstraintOperator.GroupBy);
        var placement = new CurrentPlacement([R1a], [R1a, R1b, R2]);
        Assert.False(Fits(groupBy, R1b, placement));
        Assert.True(Fits(groupBy, R2, placement));
        Assert.Equal("rack 'r1' has 1 task, more than the least-used value (0)", ConstraintEvaluator.Check(groupBy, R1b, placement)!.Reason);
    }

    [Fact]
    public void Like_IsAFullMatch()
    {
        var like = C("rack", ConstraintOperator.Like, "r[1-2]");
        Assert.True(Fits(like, R1a, CurrentPlacement.None));
        Assert.False(Fits(like, R3, CurrentPlacement.None));
        Assert.False(Fits(like, Agent("x", "rack:r12"), CurrentPlacement.None));
        Assert.False(Fits(like, Agent("x", "rack:xr1"), CurrentPlacement.None));
        Assert.False(Fits(like, NoRack, CurrentPlacement.None));
        Assert.True(Fits(C("hostname", ConstraintOperator.Like, ".*"), NoRack, CurrentPlacement.None));
    }

    [Fact]
    public void Unlike_RefusesMatches_AndAcceptsAgentsWithoutTheField()
    {
        var unlike = C("rack", ConstraintOperator.Unlike, "r[1-2]");
        Assert.False(Fits(unlike, R1a, CurrentPlacement.None));
        Assert.True(Fits(unlike, R3, CurrentPlacement.None));
        Assert.True(Fits(unlike, NoRack, CurrentPlacement.None));
        Assert.True(Fits(unlike, Agent("x", "rack:r1x"), CurrentPlacement.None));
    }

    [Fact]
    public void MaxPer_CapsTasksPerValue()
    {
        var maxPer = C("rack", ConstraintOperator.MaxPer, "2");
        Assert.True(Fits(maxPer, R1b, Tasks(R1a)));
        Assert.False(Fits(maxPer, R1b, Tasks(R1a, R1a)));
        Assert.True(Fits(maxPer, R2, Tasks(R1a, R1a)));
        Assert.False(Fits(maxPer, NoRack, CurrentPlacement.None));
        Assert.False(Fits(C("hostname", ConstraintOperator.MaxPer, "0"), R1a, CurrentPlacement.None));
        Assert.Equal("rack 'r1' already has 2 tasks of this app (at most 2)", ConstraintEvaluator.Check(maxPer, R1b, Tasks(R1a, R1b))!.Reason);
    }

    [Theory]
    [InlineData("rack:rack-1", "rack", "rack-1", true)]
    [InlineData("rack:rack-1", "rack", "Rack-1", false)]
    [InlineData("rack:rack-1", "rack", "rack-", false)]
    [InlineData("level:0.8", "level", "0.8", true)]
    [InlineData("level:0.8", "level", "0.80", true)]
    [InlineData("level:0.8", "level", "0.8001", true)]
    [InlineData("level:0.8", "level", "0.81", false)]
    [InlineData("level:8", "level", "8.0", true)]
    [InlineData("", "level", "8", false)]
    public void Is_ComparesTextExactly_AndNumbersToTheThousandth(string attributes, string field, string value, bool fits) =>
        Assert.Equal(fits, Fits(C(field, ConstraintOperator.Is, value), Agent("a", attributes), CurrentPlacement.None));

    [Fact]
    public void CheckAll_ReportsEveryFailingConstraint()
    {
        var constraints = new[] { C("hostname", ConstraintOperator.Unique), C("rack", ConstraintOperator.Is, "r2"), C("rack", ConstraintOperator.Like, "r.*") };
        var rejections = ConstraintEvaluator.CheckAll(constraints, R1a, Tasks(R1a));
        Assert.Equal([constraints[0], constraints[1]], rejections.Select(r => r.Constraint));
        Assert.Empty(ConstraintEvaluator.CheckAll(constraints, R2, CurrentPlacement.None));
    }
}
