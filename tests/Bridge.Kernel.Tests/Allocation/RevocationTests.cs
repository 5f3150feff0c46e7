using Bridge.Kernel.Allocation;
using static Bridge.Kernel.Tests.Allocation.Harness;

namespace Bridge.Kernel.Tests.Allocation;

public class RevocationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A cluster of <paramref name="agents"/> × <c>cpus:2;mem:2048</c>.</summary>
    private static Harness Cluster(int agents)
    {
        var h = new Harness();
        for (int i = 1; i <= agents; i++) h.Agent($"agent-{i}", "cpus:2;mem:2048");
        return h;
    }

    private static void Task(Harness h, string framework, string role, int agent, string id, int priority, int startedMinutes, string resources = "cpus:1;mem:1024") =>
        h.Allocator.AddTask(F(framework), A($"agent-{agent}"), new TaskId(id), role, R(resources), priority, T0.AddMinutes(startedMinutes));

    private static Quota Guarantee(string q) => new(ResourceQuantities.Parse(q));

    [Fact]
    public void Revoke_LowestPriorityFirst_ThenLeastWorkLost()
    {
        var h = Cluster(4);
        h.Framework("batch", "batch");
        Task(h, "batch", "batch", 1, "t1", priority: 0, startedMinutes: 1);
        Task(h, "batch", "batch", 1, "t2", priority: 0, startedMinutes: 5);
        Task(h, "batch", "batch", 2, "t3", priority: 1, startedMinutes: 9);
        Task(h, "batch", "batch", 2, "t4", priority: 0, startedMinutes: 3);
        for (int i = 5; i <= 8; i++) Task(h, "batch", "batch", (i + 1) / 2, $"t{i}", priority: 2, startedMinutes: 20 + i);
        h.Allocator.UpdateQuota("prod", Guarantee("cpus:3"));
        h.Framework("prod", "prod");

        var plan = h.Allocator.PlanRevocations();
        Assert.Empty(plan.RescindOffers);
        Assert.Equal(["t2", "t4", "t1"], plan.Revocations.Select(r => r.TaskId.Value));
        Assert.All(plan.Revocations, r =>
        {
            Assert.Equal("batch", r.Role);
            Assert.Equal(TimeSpan.FromSeconds(30), r.GracePeriod);
            Assert.Contains("prod", r.Reason);
        });

        // Chosen tasks count as freeing: nothing more until they end.
        Assert.True(h.Allocator.PlanRevocations().IsEmpty);
        foreach (var r in plan.Revocations) h.Allocator.RemoveTask(r.FrameworkId, r.TaskId);
        Assert.True(h.Allocator.PlanRevocations().IsEmpty);

        // The freed cpus go to prod first.
        var offers = h.Allocator.Allocate().Offers;
        Assert.Equal(Scalar.FromUnits(3), offers.Where(o => o.FrameworkId == F("prod")).Aggregate(Resources.Empty, (s, o) => s + o.Resources).GetScalar("cpus"));
    }

    [Fact]
    public void Revoke_NeverTakesARoleBelowItsGuarantee()
    {
        var h = Cluster(4);
        h.Allocator.UpdateQuota("batch", Guarantee("cpus:5"));
        h.Framework("batch", "batch");
        h.Framework("other", "other");
        for (int i = 1; i <= 6; i++) Task(h, "batch", "batch", (i + 1) / 2, $"b{i}", 0, i);
        Task(h, "other", "other", 4, "o1", 0, 1);
        Task(h, "other", "other", 4, "o2", 0, 2);
        h.Allocator.UpdateQuota("prod", Guarantee("cpus:4"));
        h.Framework("prod", "prod");

        var plan = h.Allocator.PlanRevocations();
        // prod lacks 4; batch may give only 1 (6 held, 5 guaranteed); other gives 2. 3 in all.
        Assert.Equal(1, plan.Revocations.Count(r => r.Role == "batch"));
        Assert.Equal(2, plan.Revocations.Count(r => r.Role == "other"));
        Assert.Equal(3, plan.Revocations.Count);
    }

    [Fact]
    public void Revoke_RoleAtItsGuarantee_IsNeverChosen()
    {
        var h = Cluster(2);
        h.Allocator.UpdateQuota("batch", Guarantee("cpus:4"));
        h.Framework("batch", "batch");
        for (int i = 1; i <= 4; i++) Task(h, "batch", "batch", (i + 1) / 2, $"b{i}", 0, i);
        h.Allocator.UpdateQuota("prod", Guarantee("cpus:2"));
        h.Framework("prod", "prod");
        Assert.True(h.Allocator.PlanRevocations().IsEmpty);
    }

    [Fact]
    public void Revoke_OnlyFromRolesAboveTheStarvingRolesShare()
    {
        var h = Cluster(2);
        h.Framework("prod", "prod");
        h.Framework("tiny", "tiny");
        Task(h, "prod", "prod", 1, "p1", 0, 1);
        Task(h, "prod", "prod", 1, "p2", 0, 1);
        Task(h, "prod", "prod", 2, "p3", 0, 1);
        Task(h, "tiny", "tiny", 2, "x1", 0, 1);
        h.Allocator.UpdateQuota("prod", Guarantee("cpus:4"));
        // tiny holds 1/4, prod 3/4: tiny is not above prod's share, so it keeps its task.
        Assert.True(h.Allocator.PlanRevocations().IsEmpty);
    }

    [Fact]
    public void Revoke_RescindsOutstandingOffersBeforeKillingTasks()
    {
        var h = Cluster(2);
        h.Framework("batch", "batch");
        Task(h, "batch", "batch", 1, "b1", 0, 1, "cpus:2;mem:2048");
        var offer = Assert.Single(h.Allocator.Allocate().Offers); // agent-2, outstanding
        h.Allocator.UpdateQuota("prod", Guarantee("cpus:2"));
        h.Framework("prod", "prod");
        var plan = h.Allocator.PlanRevocations();
        Assert.Equal([offer.Id], plan.RescindOffers);
        Assert.Empty(plan.Revocations);
    }

    [Fact]
    public void Revoke_NothingWhenFreeResourcesSuffice()
    {
        var h = Cluster(2);
        h.Framework("batch", "batch");
        Task(h, "batch", "batch", 1, "b1", 0, 1, "cpus:2;mem:2048");
        h.Allocator.UpdateQuota("prod", Guarantee("cpus:2"));
        Assert.True(h.Allocator.PlanRevocations().IsEmpty);
    }
}
