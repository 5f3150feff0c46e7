namespace Bridge.Yarn.ResourceManager.Scheduling;

public sealed partial class YarnScheduler
{
    /// <summary>Cluster-wide figures; O(leaf queues + attempts).</summary>
    public SchedulerMetrics Metrics()
    {
        var pending = Records.Resource.None;
        var pendingContainers = 0;
        foreach (var leaf in _leaves.Values)
        {
            pending += leaf.PendingResource;
            pendingContainers += leaf.PendingContainers;
        }
        var running = _apps.Values.Count(a => a.AmAllocated);
        return new SchedulerMetrics(_total, _allocated, (_total - _allocated).ClampToZero(), pending,
            _live.Count, pendingContainers, _apps.Count - running, running, _nodes.Count);
    }

    /// <summary>The queue tree's figures, from <c>root</c>.</summary>
    public QueueReport Queues() => Report(_root);

    private QueueReport Report(CapacityQueue q)
    {
        var children = q.Children.Select(Report).ToList();
        var leaf = q.IsLeaf;
        var running = leaf ? q.Apps.Count(a => a.AmAllocated) : children.Sum(c => c.AppsRunning);
        var apps = leaf ? q.Apps.Count : children.Sum(c => c.AppsPending + c.AppsRunning);
        var share = q.Used.DominantShare(_total);
        return new QueueReport(
            q.Name, q.Path, q.Options.CapacityPercent, q.Options.MaximumCapacityPercent,
            q.AbsoluteCapacity * 100, q.AbsoluteMaximumCapacity * 100,
            q.UsedCapacityRatio(_total) * 100, share * 100,
            q.Used, q.ContainersAllocated,
            leaf ? q.PendingContainers : children.Sum(c => c.ContainersPending),
            leaf ? q.PendingResource : children.Aggregate(Records.Resource.None, (s, c) => s + c.Pending),
            apps - running, running,
            leaf ? q.AmUsed : Records.Resource.None, leaf ? q.AmLimit(_total) : Records.Resource.None,
            children);
    }
}
