using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;
using static Bridge.Yarn.ResourceManager.Tests.Scheduling.SchedulerFixture;

namespace Bridge.Yarn.ResourceManager.Tests.Scheduling;

/// <summary>Random workloads (seeded) against the scheduler's invariants.</summary>
public class YarnSchedulerPropertyTests
{
    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6, 7, 8 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomWorkload_NeverOverANodeOrAQueueMaximum_AndCompletionReturnsExactlyWhatWasAllocated(int seed)
    {
        var rng = new Random(seed);
        var options = SchedulerOptions.Capacity(
            new QueueOptions("a", 50, 70, 0.5),
            new QueueOptions("p", 50, 90, Children: [new QueueOptions("b", 40, 100, 0.5), new QueueOptions("c", 60, 60, 0.5)]))
            with { NodeLocalityDelay = 3 };
        var s = new YarnScheduler(options);
        var queues = new[] { "a", "b", "c" };
        var maxByPath = new Dictionary<string, double> { ["root.a"] = 0.7, ["root.p"] = 0.9, ["root.p.b"] = 0.9, ["root.p.c"] = 0.54 };
        var nodes = Enumerable.Range(1, 12).Select(Node).ToList();
        foreach (var n in nodes) s.AddNode(n, RandomCapacity(rng), rng.Next(2) == 0 ? "/r1" : "/r2");
        var live = new Dictionary<ContainerId, Resource>();
        var attempts = new List<ApplicationAttemptId>();
        long allocatedMb = 0, freedMb = 0;

        for (var step = 0; step < 400; step++)
        {
            switch (rng.Next(6))
            {
                case 0:
                    var id = Attempt(step + 1);
                    s.AddAttempt(id, queues[rng.Next(3)], rng.Next(3), Gb);
                    attempts.Add(id);
                    break;
                case 1 when attempts.Count > 0:
                    var target = attempts[rng.Next(attempts.Count)];
                    var where = rng.Next(3) switch { 0 => "*", 1 => rng.Next(2) == 0 ? "/r1" : "/r2", _ => nodes[rng.Next(nodes.Count)].Host };
                    var size = new Resource(rng.Next(1, 4) * 1000, rng.Next(1, 3));
                    s.UpdateAsks(target, [Ask(rng.Next(0, 8), "*", rng.Next(3), size), Ask(rng.Next(0, 4), where, rng.Next(3), size, rng.Next(4) > 0)]);
                    break;
                case 2:
                    s.UpdateNodeCapacity(nodes[rng.Next(nodes.Count)], RandomCapacity(rng));
                    break;
                case 3 when live.Count > 0:
                    var victim = live.Keys.ElementAt(rng.Next(live.Count));
                    var done = s.CompleteContainer(victim, 0, "")!;
                    Assert.Equal(live[victim], done.Container.Resource);
                    freedMb += done.Container.Resource.MemoryMb;
                    live.Remove(victim);
                    break;
                case 4 when attempts.Count > 3:
                    var gone = attempts[rng.Next(attempts.Count)];
                    attempts.Remove(gone);
                    foreach (var d in s.RemoveAttempt(gone, ContainerExitStatus.KilledByResourceManager, ""))
                    {
                        Assert.Equal(live[d.Container.Id], d.Container.Resource);
                        freedMb += d.Container.Resource.MemoryMb;
                        live.Remove(d.Container.Id);
                    }
                    break;
                default:
                    var node = nodes[rng.Next(nodes.Count)];
                    var made = s.NodeUpdate(node);
                    if (made.Count == 0) break;
                    var usage = s.NodeUsage(node)!.Value;
                    Assert.True(usage.Allocated.FitsIn(usage.Total), $"node {node} over capacity: {usage.Allocated} > {usage.Total}");
                    CheckQueues(s.Queues(), s.ClusterResource, maxByPath);
                    foreach (var a in made)
                    {
                        live.Add(a.Container.Id, a.Container.Resource);
                        allocatedMb += a.Container.Resource.MemoryMb;
                    }
                    break;
            }
            Assert.Equal(live.Count, s.Metrics().ContainersAllocated);
        }

        foreach (var id in live.Keys.ToList()) freedMb += s.CompleteContainer(id, 0, "")!.Container.Resource.MemoryMb;
        Assert.True(allocatedMb > 0, "the workload allocated nothing");
        Assert.Equal(allocatedMb, freedMb);
        Assert.Equal(Resource.None, s.Metrics().Allocated);
        Assert.Equal(Resource.None, s.Queues().Used);
        foreach (var n in nodes) Assert.Equal(Resource.None, s.NodeUsage(n)!.Value.Allocated);
    }

    private static void CheckQueues(QueueReport q, Resource cluster, Dictionary<string, double> maxByPath)
    {
        if (maxByPath.TryGetValue(q.Path, out var max))
            Assert.True(q.Used.DominantShare(cluster) <= max + 1e-9, $"{q.Path} uses {q.Used.DominantShare(cluster):P} of {cluster}, above its maximum {max:P}");
        foreach (var c in q.Children) CheckQueues(c, cluster, maxByPath);
    }

    private static Resource RandomCapacity(Random rng) => new(rng.Next(0, 9) * 1024, rng.Next(0, 9));
}
