using System.Text.Json;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;

namespace Bridge.Yarn.ResourceManager.Server.Rest;

/// <summary>
/// The cluster-wide REST documents in Hadoop 3's shapes (ClusterInfo, ClusterMetricsInfo, NodeInfo, the capacity and
/// FIFO scheduler infos). Figures the embedded ResourceManager does not model (reservations, unhealthy, rebooted and
/// shut-down nodes) are 0; limits it does not enforce (maxApplications, user limits) are left out rather than shown.
/// </summary>
internal static class ClusterJson
{
    /// <summary><c>{"clusterInfo": {...}}</c>.</summary>
    public static void Info(Utf8JsonWriter w, EmbeddedResourceManager rm)
    {
        w.WriteStartObject();
        w.WriteStartObject("clusterInfo");
        w.WriteNumber("id", rm.ClusterTimestamp);
        w.WriteNumber("startedOn", rm.StartedOn.ToEpochMs());
        w.WriteString("state", "STARTED");
        w.WriteString("haState", "ACTIVE");
        w.WriteString("rmStateStoreName", "org.apache.hadoop.yarn.server.resourcemanager.recovery.NullRMStateStore");
        w.WriteString("resourceManagerVersion", EmbeddedResourceManager.Version);
        w.WriteString("resourceManagerBuildVersion", $"{EmbeddedResourceManager.Version} (Bridge embedded ResourceManager)");
        w.WriteString("resourceManagerVersionBuiltOn", "");
        w.WriteString("hadoopVersion", EmbeddedResourceManager.Version);
        w.WriteString("hadoopBuildVersion", $"{EmbeddedResourceManager.Version} (no Hadoop: Bridge's own implementation of its protocols)");
        w.WriteString("hadoopVersionBuiltOn", "");
        w.WriteString("haZooKeeperConnectionState", "ResourceManager HA is not enabled.");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary><c>{"clusterMetrics": {...}}</c>, every field of Hadoop 3's ClusterMetricsInfo (memory in MB).</summary>
    public static void Metrics(Utf8JsonWriter w, ClusterMetrics m, SchedulerPolicy policy)
    {
        w.WriteStartObject();
        w.WriteStartObject("clusterMetrics");
        w.WriteNumber("appsSubmitted", m.AppsSubmitted);
        w.WriteNumber("appsCompleted", m.AppsCompleted);
        w.WriteNumber("appsPending", m.AppsPending);
        w.WriteNumber("appsRunning", m.AppsRunning);
        w.WriteNumber("appsFailed", m.AppsFailed);
        w.WriteNumber("appsKilled", m.AppsKilled);
        w.WriteNumber("reservedMB", 0);
        w.WriteNumber("availableMB", m.Available.MemoryMb);
        w.WriteNumber("allocatedMB", m.Allocated.MemoryMb);
        w.WriteNumber("pendingMB", m.Pending.MemoryMb);
        w.WriteNumber("reservedVirtualCores", 0);
        w.WriteNumber("availableVirtualCores", m.Available.VCores);
        w.WriteNumber("allocatedVirtualCores", m.Allocated.VCores);
        w.WriteNumber("pendingVirtualCores", m.Pending.VCores);
        w.WriteNumber("containersAllocated", m.ContainersAllocated);
        w.WriteNumber("containersReserved", 0);
        w.WriteNumber("containersPending", m.ContainersPending);
        w.WriteNumber("totalMB", m.Total.MemoryMb);
        w.WriteNumber("totalVirtualCores", m.Total.VCores);
        w.WriteNumber("totalNodes", m.ActiveNodes + m.LostNodes + m.DecommissionedNodes + m.DecommissioningNodes);
        w.WriteNumber("lostNodes", m.LostNodes);
        w.WriteNumber("unhealthyNodes", 0);
        w.WriteNumber("decommissioningNodes", m.DecommissioningNodes);
        w.WriteNumber("decommissionedNodes", m.DecommissionedNodes);
        w.WriteNumber("rebootedNodes", 0);
        w.WriteNumber("activeNodes", m.ActiveNodes);
        w.WriteNumber("shutdownNodes", 0);
        w.WriteResource("totalUsedResourcesAcrossPartition", m.Allocated);
        w.WriteResource("totalClusterResourcesAcrossPartition", m.Total);
        w.WriteResource("totalReservedResourcesAcrossPartition", Resource.None);
        w.WriteNumber("totalAllocatedContainersAcrossPartition", m.ContainersAllocated);
        w.WriteBoolean("crossPartitionMetricsAvailable", policy == SchedulerPolicy.Capacity);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary><c>{"nodes": {"node": [...]}}</c>, or <c>{"nodes": null}</c> when there are none (as Hadoop's JSON writer does).</summary>
    public static void Nodes(Utf8JsonWriter w, IReadOnlyList<NodeReport> nodes)
    {
        w.WriteStartObject();
        if (nodes.Count == 0)
        {
            w.WriteNull("nodes");
        }
        else
        {
            w.WriteStartObject("nodes");
            w.WriteStartArray("node");
            foreach (var n in nodes) Node(w, n);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>One NodeInfo object (an array element, or the value of <c>"node"</c>).</summary>
    public static void Node(Utf8JsonWriter w, NodeReport n, string? name = null)
    {
        if (name is null) w.WriteStartObject();
        else w.WriteStartObject(name);
        w.WriteString("rack", n.Rack);
        w.WriteString("state", n.State.ToYarnName());
        w.WriteString("id", n.Id.ToString());
        w.WriteString("nodeHostName", n.Id.Host);
        w.WriteString("nodeHTTPAddress", n.HttpAddress);
        w.WriteNumber("lastHealthUpdate", n.LastHeartbeat.ToEpochMs());
        w.WriteString("version", "");
        w.WriteString("healthReport", "");
        w.WriteNumber("numContainers", n.NumContainers);
        w.WriteNumber("usedMemoryMB", n.Used.MemoryMb);
        w.WriteNumber("availMemoryMB", n.Available.MemoryMb);
        w.WriteNumber("usedVirtualCores", n.Used.VCores);
        w.WriteNumber("availableVirtualCores", n.Available.VCores);
        w.WriteResource("usedResource", n.Used);
        w.WriteResource("availableResource", n.Available);
        w.WriteResource("totalResource", n.Capability);
        w.WriteEndObject();
    }

    /// <summary><c>{"scheduler": {"schedulerInfo": {...}}}</c>: capacityScheduler (the queue tree) or fifoScheduler.</summary>
    public static void Scheduler(Utf8JsonWriter w, SchedulerView view)
    {
        w.WriteStartObject();
        w.WriteStartObject("scheduler");
        w.WriteStartObject("schedulerInfo");
        if (view.Options.Policy == SchedulerPolicy.Fifo) Fifo(w, view);
        else
        {
            var root = view.Root;
            w.WriteString("type", "capacityScheduler");
            w.WriteFloat("capacity", root.CapacityPercent);
            w.WriteFloat("usedCapacity", root.AbsoluteUsedCapacityPercent);
            w.WriteFloat("maxCapacity", root.MaximumCapacityPercent);
            w.WriteString("queueName", root.Name);
            w.WriteString("queuePath", root.Path);
            Queues(w, root.Children);
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Fifo(Utf8JsonWriter w, SchedulerView view)
    {
        var m = view.Metrics;
        w.WriteString("type", "fifoScheduler");
        w.WriteFloat("capacity", 1.0);
        w.WriteFloat("usedCapacity", m.Total.MemoryMb > 0 ? (double)m.Allocated.MemoryMb / m.Total.MemoryMb : 0);
        w.WriteString("qstate", "RUNNING");
        w.WriteNumber("minQueueMemoryCapacity", view.Options.MinimumAllocation.MemoryMb);
        w.WriteNumber("maxQueueMemoryCapacity", view.Options.MaximumAllocation.MemoryMb);
        w.WriteNumber("numNodes", m.Nodes);
        w.WriteNumber("usedNodeCapacity", m.Allocated.MemoryMb);
        w.WriteNumber("availNodeCapacity", m.Available.MemoryMb);
        w.WriteNumber("totalNodeCapacity", m.Total.MemoryMb);
        w.WriteNumber("numContainers", m.ContainersAllocated);
    }

    private static void Queues(Utf8JsonWriter w, IReadOnlyList<QueueReport> children)
    {
        w.WriteStartObject("queues");
        w.WriteStartArray("queue");
        foreach (var q in children) Queue(w, q);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Queue(Utf8JsonWriter w, QueueReport q)
    {
        w.WriteStartObject();
        if (q.IsLeaf) w.WriteString("type", "capacitySchedulerLeafQueueInfo");
        w.WriteFloat("capacity", q.CapacityPercent);
        w.WriteFloat("usedCapacity", q.UsedCapacityPercent);
        w.WriteFloat("maxCapacity", q.MaximumCapacityPercent);
        w.WriteFloat("absoluteCapacity", q.AbsoluteCapacityPercent);
        w.WriteFloat("absoluteMaxCapacity", q.AbsoluteMaximumCapacityPercent);
        w.WriteFloat("absoluteUsedCapacity", q.AbsoluteUsedCapacityPercent);
        w.WriteNumber("numApplications", q.AppsPending + q.AppsRunning);
        w.WriteString("usedResources", q.Used.ToString());
        w.WriteString("queueName", q.Name);
        w.WriteString("queuePath", q.Path);
        w.WriteString("state", "RUNNING");
        w.WriteResource("resourcesUsed", q.Used);
        w.WriteNumber("numContainers", q.ContainersAllocated);
        w.WriteNumber("allocatedContainers", q.ContainersAllocated);
        w.WriteNumber("pendingContainers", q.ContainersPending);
        w.WriteNumber("reservedContainers", 0);
        if (q.IsLeaf)
        {
            w.WriteNumber("numActiveApplications", q.AppsRunning);
            w.WriteNumber("numPendingApplications", q.AppsPending);
            w.WriteNull("users");
            w.WriteResource("AMResourceLimit", q.AmLimit);
            w.WriteResource("usedAMResource", q.AmUsed);
        }
        else
        {
            Queues(w, q.Children);
        }
        w.WriteEndObject();
    }
}
