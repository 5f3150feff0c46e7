using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Scheduling;

/// <summary>The key asks are absolute for: priority then capability (Hadoop's SchedulerRequestKey plus the capability).</summary>
internal readonly record struct RequestKey(Priority Priority, Resource Capability) : IComparable<RequestKey>
{
    public int CompareTo(RequestKey other)
    {
        var c = Priority.CompareTo(other.Priority);
        if (c != 0) return c;
        c = Capability.MemoryMb.CompareTo(other.Capability.MemoryMb);
        return c != 0 ? c : Capability.VCores.CompareTo(other.Capability.VCores);
    }
}

/// <summary>One request key's asks by resource name, plus its delay-scheduling state.</summary>
internal sealed class KeyAsks
{
    public Dictionary<string, ResourceRequest> ByName { get; } = new(StringComparer.Ordinal);

    /// <summary>Node updates that offered this key a node without a node- or rack-local placement (Hadoop's scheduling opportunities).</summary>
    public int MissedOpportunities { get; set; }

    /// <summary>The node update that last counted an opportunity, so each update counts once.</summary>
    public long LastCountedUpdate { get; set; } = -1;

    /// <summary>Containers still wanted: the <c>*</c> ask's count (0 when there is none).</summary>
    public int Pending => ByName.TryGetValue(ResourceRequest.Any, out var any) ? any.NumContainers : 0;

    /// <summary>True when some host or rack ask still wants containers (delay scheduling applies).</summary>
    public bool HasSpecific()
    {
        foreach (var (name, r) in ByName)
        {
            if (r.NumContainers > 0 && name != ResourceRequest.Any) return true;
        }
        return false;
    }

    /// <summary>Takes one container off the ask at <paramref name="name"/>, if there is one.</summary>
    public void Decrement(string name)
    {
        if (ByName.TryGetValue(name, out var r) && r.NumContainers > 0) ByName[name] = r with { NumContainers = r.NumContainers - 1 };
    }
}

/// <summary>A container the scheduler has allocated and not yet seen complete.</summary>
internal sealed record LiveContainer(Container Container, SchedulerApp App, bool IsAm);

/// <summary>An application attempt as the scheduler sees it (Hadoop's SchedulerApplicationAttempt with its AppSchedulingInfo).</summary>
internal sealed class SchedulerApp(ApplicationAttemptId attemptId, CapacityQueue queue, int appPriority, long submissionOrder, Resource amResource)
{
    /// <summary>Service order in a leaf queue: higher application priority first, then earlier submission (FIFO).</summary>
    public static readonly IComparer<SchedulerApp> ServiceOrder = Comparer<SchedulerApp>.Create((a, b) =>
    {
        var c = b.AppPriority.CompareTo(a.AppPriority);
        return c != 0 ? c : a.SubmissionOrder.CompareTo(b.SubmissionOrder);
    });

    public ApplicationAttemptId AttemptId { get; } = attemptId;
    public CapacityQueue Queue { get; } = queue;
    public int AppPriority { get; } = appPriority;
    public long SubmissionOrder { get; } = submissionOrder;
    public Resource AmResource { get; } = amResource;

    /// <summary>Let run by the queue's AM limit (only active attempts are offered nodes).</summary>
    public bool Active { get; set; }

    /// <summary>True once its first container, the AM's, was allocated.</summary>
    public bool AmAllocated { get; set; }

    public SortedDictionary<RequestKey, KeyAsks> Asks { get; } = new();
    public int PendingContainers { get; set; }
    public Resource PendingResource { get; set; }
    public Resource Used { get; set; }
    public Dictionary<ContainerId, LiveContainer> Live { get; } = [];
    public List<Container> NewlyAllocated { get; } = [];
    public List<ContainerStatus> CompletedToReport { get; } = [];
    public long NextSequence { get; set; } = 1;
}

/// <summary>A NodeManager as the scheduler sees it (Hadoop's SchedulerNode).</summary>
internal sealed class SchedulerNode(NodeId id, string rack, Resource total)
{
    public NodeId Id { get; } = id;
    public string Rack { get; } = rack;
    public Resource Total { get; set; } = total;
    public Resource Allocated { get; set; }

    /// <summary>Free resources; negative in a component when capacity shrank under running containers.</summary>
    public Resource Available => Total - Allocated;
    public bool Decommissioning { get; set; }

    /// <summary>Fine-grained scaling: a completed container's resource leaves <see cref="Total"/> with it.</summary>
    public bool CapacityFollowsContainers { get; set; }
    public Dictionary<ContainerId, LiveContainer> Containers { get; } = [];
}
