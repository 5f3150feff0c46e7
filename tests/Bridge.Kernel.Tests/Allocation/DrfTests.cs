using Bridge.Kernel.Allocation;
using static Bridge.Kernel.Tests.Allocation.Harness;

namespace Bridge.Kernel.Tests.Allocation;

public class DrfTests
{
    /// <summary>
    /// MISSION.md's DRF worked example (Ghodsi et al., NSDI 2011): 9 CPUs, 18 GB; framework 1
    /// runs &lt;1 CPU, 4 GB&gt; tasks (2/9 memory each), framework 2 &lt;3 CPUs, 1 GB&gt; (1/3 CPU each).
    /// Each framework takes one task per offer and returns the rest unfiltered, so every offer is
    /// one step of progressive filling. Both start at share 0; ties go to the earlier subscriber,
    /// and the example's sequence serves framework 2 first, so framework 2 subscribes first.
    /// </summary>
    [Fact]
    public void WorkedExample_ExactSequenceAndEndState()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:9;mem:18432");
        var f2 = h.Framework("framework-2");
        var f1 = h.Framework("framework-1");
        var task = new Dictionary<FrameworkId, string> { [f1] = "cpus:1;mem:4096", [f2] = "cpus:3;mem:1024" };

        var sequence = new List<(string Chosen, double F1, double F2)>();
        var tasks = new Dictionary<FrameworkId, int> { [f1] = 0, [f2] = 0 };
        for (int round = 0; round < 20; round++)
        {
            var offers = h.Allocator.Allocate().Offers;
            if (offers.Count == 0) break;
            var offer = Assert.Single(offers);
            var shape = R(task[offer.FrameworkId]);
            if (!offer.Resources.Contains(shape))
            {
                h.Allocator.Decline(offer.Id, new Filters(RefuseSeconds: 3600));
                continue;
            }
            h.Launch(offer, refuseSeconds: 0, task[offer.FrameworkId]);
            tasks[offer.FrameworkId]++;
            sequence.Add((offer.FrameworkId == f1 ? "F1" : "F2", h.Share(f1), h.Share(f2)));
        }

        Assert.Equal(
            [("F2", 0, 1 / 3.0), ("F1", 2 / 9.0, 1 / 3.0), ("F1", 4 / 9.0, 1 / 3.0), ("F2", 4 / 9.0, 2 / 3.0), ("F1", 2 / 3.0, 2 / 3.0)],
            sequence.Select(s => (s.Chosen, Math.Round(s.F1, 9), Math.Round(s.F2, 9))).ToList(),
            (a, b) => a.Item1 == b.Item1 && Math.Abs(a.Item2 - Math.Round(b.Item2, 9)) < 1e-9 && Math.Abs(a.Item3 - Math.Round(b.Item3, 9)) < 1e-9);
        Assert.Equal(3, tasks[f1]);
        Assert.Equal(2, tasks[f2]);
        Assert.Equal(2 / 3.0, h.Share(f1), 9);
        Assert.Equal(2 / 3.0, h.Share(f2), 9);
        // CPU is exhausted: 3 + 6 of 9. Memory: 12 GB + 2 GB of 18 GB, 4 GB left.
        Assert.Equal("mem:4096", h.Allocator.GetAvailable(A("agent-1")).ToString());
    }

    /// <summary>MISSION.md's canonical two-level flow.</summary>
    [Fact]
    public void CanonicalFlow_RemainderGoesToTheNextFramework()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:4;mem:4096");
        var f1 = h.Framework("framework-1");
        var f2 = h.Framework("framework-2");

        var offer = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(f1, offer.FrameworkId);
        Assert.Equal(R("cpus:4;mem:4096"), offer.Resources);

        // Framework 1 answers with two tasks, <2 CPUs, 1 GB> and <1 CPU, 2 GB>; the remainder
        // returns to the pool with the default filter for framework 1.
        h.Launch(offer, refuseSeconds: null, "cpus:2;mem:1024", "cpus:1;mem:2048");
        Assert.Equal(R("cpus:1;mem:1024"), h.Allocator.GetAvailable(A("agent-1")));

        var next = Assert.Single(h.Allocator.Allocate().Offers);
        Assert.Equal(f2, next.FrameworkId);
        Assert.Equal(R("cpus:1;mem:1024"), next.Resources);
    }

    [Fact]
    public void WeightedDrf_WeightTwoGetsTwiceTheDominantShare()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:30;mem:30720");
        h.Allocator.UpdateWeights([new("analytics", 2.0), new("services", 1.0)]);
        var a = h.Framework("fa", "analytics");
        var s = h.Framework("fs", "services");
        var counts = RunProgressiveFilling(h, "cpus:1;mem:1024");
        Assert.Equal(20, counts[a]);
        Assert.Equal(10, counts[s]);
        Assert.Equal(2 / 3.0, h.Allocator.GetRole("analytics")!.DominantShare, 9);
        Assert.Equal(1 / 3.0, h.Allocator.GetRole("services")!.DominantShare, 9);
    }

    [Fact]
    public void HierarchicalRoles_SiblingsShareTheParentsPortion()
    {
        // eng (weight 1) and ops (weight 1) split the cluster; inside eng, hadoop and services split eng's half.
        var h = new Harness();
        h.Agent("agent-1", "cpus:40;mem:40960");
        var hadoop = h.Framework("hadoop", "eng/hadoop");
        var services = h.Framework("services", "eng/services");
        var ops = h.Framework("ops", "ops");
        var counts = RunProgressiveFilling(h, "cpus:1;mem:1024");
        Assert.Equal(20, counts[ops]);
        Assert.Equal(10, counts[hadoop]);
        Assert.Equal(10, counts[services]);
        Assert.Equal(0.5, h.Allocator.GetRole("eng")!.DominantShare, 9);
    }

    [Fact]
    public void StrictPriority_HighestWeightTakesEverything()
    {
        var h = new Harness(new AllocatorOptions { RoleSorter = SorterKind.StrictPriority });
        h.Agent("agent-1", "cpus:10;mem:10240");
        h.Allocator.UpdateWeights([new("prod", 10.0), new("dev", 1.0)]);
        var dev = h.Framework("dev", "dev");
        var prod = h.Framework("prod", "prod");
        var counts = RunProgressiveFilling(h, "cpus:1;mem:1024");
        Assert.Equal(10, counts[prod]);
        Assert.Equal(0, counts.GetValueOrDefault(dev)); // starved, as strict priority does
    }

    [Fact]
    public void OfferedResources_CountTowardTheShare()
    {
        var h = new Harness();
        h.Agent("agent-1", "cpus:2;mem:2048");
        h.Agent("agent-2", "cpus:2;mem:2048");
        var f1 = h.Framework("f1");
        var f2 = h.Framework("f2");
        var offers = h.Allocator.Allocate().Offers;
        // One agent each: the first offer raised its framework's share, so the second agent went to the other.
        Assert.Equal(2, offers.Count);
        Assert.NotEqual(offers[0].FrameworkId, offers[1].FrameworkId);
        Assert.Equal(0.5, h.Share(f1), 9);
        Assert.Equal(0.5, h.Share(f2), 9);
    }

    /// <summary>Every framework takes one task per offer (if it fits) and returns the rest unfiltered; stops when nothing fits.</summary>
    internal static Dictionary<FrameworkId, int> RunProgressiveFilling(Harness h, string taskShape)
    {
        var counts = new Dictionary<FrameworkId, int>();
        var shape = R(taskShape);
        for (int round = 0; round < 10_000; round++)
        {
            var offers = h.Allocator.Allocate().Offers;
            if (offers.Count == 0) return counts;
            foreach (var offer in offers)
            {
                counts.TryAdd(offer.FrameworkId, 0);
                if (offer.Resources.ToUnreserved().Contains(shape) && offer.Resources.Contains(shape))
                {
                    h.Launch(offer, refuseSeconds: 0, taskShape);
                    counts[offer.FrameworkId]++;
                }
                else h.Allocator.Decline(offer.Id, new Filters(RefuseSeconds: 3600));
            }
        }
        throw new InvalidOperationException("progressive filling did not converge");
    }
}
