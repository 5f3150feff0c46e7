using System.Text.Json;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Server.Rest;

/// <summary>
/// Applications in Hadoop 3's REST shapes (AppInfo, AppAttemptInfo, ResourceRequestInfo): <c>progress</c> in percent,
/// times in ms since the epoch (finishedTime 0 while running), memory in MB. Reservation and preemption figures are 0,
/// label expressions empty, log aggregation DISABLED: none is modelled.
/// </summary>
internal static class AppJson
{
    /// <summary>What the writers need besides the view: the cluster's total (for clusterUsagePercentage) and each leaf
    /// queue's absolute capacity, a fraction (for queueUsagePercentage).</summary>
    public sealed record Context(Resource ClusterTotal, IReadOnlyDictionary<string, double> QueueAbsoluteCapacity, DateTimeOffset Now, bool WithResourceRequests = true);

    /// <summary><c>{"apps": {"app": [...]}}</c>, or <c>{"apps": null}</c> when none matches (as Hadoop's JSON writer does).</summary>
    public static void Apps(Utf8JsonWriter w, IReadOnlyList<ApplicationView> apps, Context context)
    {
        w.WriteStartObject();
        if (apps.Count == 0)
        {
            w.WriteNull("apps");
        }
        else
        {
            w.WriteStartObject("apps");
            w.WriteStartArray("app");
            foreach (var a in apps) App(w, a, context);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>One AppInfo object (an array element, or the value of <c>"app"</c>).</summary>
    public static void App(Utf8JsonWriter w, ApplicationView view, Context context, string? name = null)
    {
        var r = view.Report;
        if (name is null) w.WriteStartObject();
        else w.WriteStartObject(name);
        w.WriteString("id", r.Id.ToString());
        w.WriteString("user", r.User);
        w.WriteString("name", r.Name);
        w.WriteString("queue", r.Queue);
        w.WriteString("state", r.State.ToYarnName());
        w.WriteString("finalStatus", r.FinalStatus.ToYarnName());
        w.WriteFloat("progress", r.Progress * 100);
        var ready = r.TrackingUrl.Length > 0 && r.State is not (RmAppState.New or RmAppState.Submitted or RmAppState.Accepted);
        w.WriteString("trackingUI", !ready ? "UNASSIGNED" : r.FinishedTime is null ? "ApplicationMaster" : "History");
        if (ready) w.WriteString("trackingUrl", r.TrackingUrl);
        w.WriteString("diagnostics", r.Diagnostics);
        w.WriteNumber("clusterId", r.Id.ClusterTimestamp);
        w.WriteString("applicationType", r.ApplicationType);
        w.WriteString("applicationTags", string.Join(",", view.Tags));
        w.WriteNumber("priority", r.Priority);
        w.WriteNumber("startedTime", r.StartedTime.ToEpochMs());
        w.WriteNumber("finishedTime", r.FinishedTime?.ToEpochMs() ?? 0);
        w.WriteNumber("elapsedTime", (long)((r.FinishedTime ?? context.Now) - r.StartedTime).TotalMilliseconds);
        if (r.AmContainer is { } am)
        {
            if (view.AmNodeHttpAddress.Length > 0)
                w.WriteString("amContainerLogs", $"http://{view.AmNodeHttpAddress}/node/containerlogs/{am.Id}/{r.User}");
            w.WriteString("amHostHttpAddress", view.AmNodeHttpAddress);
            w.WriteString("masterNodeId", am.NodeId.ToString());
        }
        w.WriteString("amRPCAddress", view.AmRpcPort >= 0 ? $"{r.AmHost}:{view.AmRpcPort}" : "N/A");
        w.WriteNumber("allocatedMB", r.Allocated.MemoryMb);
        w.WriteNumber("allocatedVCores", r.Allocated.VCores);
        w.WriteNumber("reservedMB", 0);
        w.WriteNumber("reservedVCores", 0);
        w.WriteNumber("runningContainers", r.RunningContainers);
        w.WriteNumber("memorySeconds", view.MemorySeconds);
        w.WriteNumber("vcoreSeconds", view.VcoreSeconds);
        var clusterShare = r.Allocated.DominantShare(context.ClusterTotal);
        w.WriteFloat("clusterUsagePercentage", clusterShare * 100);
        var queueCapacity = context.QueueAbsoluteCapacity.GetValueOrDefault(r.Queue);
        w.WriteFloat("queueUsagePercentage", queueCapacity > 0 ? clusterShare / queueCapacity * 100 : 0);
        w.WriteNumber("preemptedResourceMB", 0);
        w.WriteNumber("preemptedResourceVCores", 0);
        w.WriteNumber("numNonAMContainerPreempted", 0);
        w.WriteNumber("numAMContainerPreempted", 0);
        w.WriteNumber("preemptedMemorySeconds", 0);
        w.WriteNumber("preemptedVcoreSeconds", 0);
        w.WriteString("logAggregationStatus", "DISABLED");
        w.WriteBoolean("unmanagedApplication", false);
        w.WriteString("amNodeLabelExpression", "");
        w.WriteString("appNodeLabelExpression", "");
        if (context.WithResourceRequests)
        {
            w.WriteStartArray("resourceRequests");
            foreach (var ask in r.ResourceRequests) ResourceRequest(w, ask);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>One ResourceRequestInfo: priority, resourceName, capability, numContainers, relaxLocality, ...</summary>
    private static void ResourceRequest(Utf8JsonWriter w, ResourceRequest ask)
    {
        w.WriteStartObject();
        w.WriteNumber("priority", ask.Priority.Value);
        w.WriteString("resourceName", ask.ResourceName);
        w.WriteResource("capability", ask.Capability);
        w.WriteNumber("numContainers", ask.NumContainers);
        w.WriteBoolean("relaxLocality", ask.RelaxLocality);
        w.WriteString("nodeLabelExpression", "");
        w.WriteStartObject("executionTypeRequest");
        w.WriteString("executionType", "GUARANTEED");
        w.WriteBoolean("enforceExecutionType", false);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary><c>{"appAttempts": {"appAttempt": [...]}}</c> (Hadoop's AppAttemptsInfo).</summary>
    public static void Attempts(Utf8JsonWriter w, IReadOnlyList<AttemptView> attempts, string user)
    {
        w.WriteStartObject();
        w.WriteStartObject("appAttempts");
        w.WriteStartArray("appAttempt");
        foreach (var view in attempts)
        {
            var a = view.Report;
            w.WriteStartObject();
            w.WriteNumber("id", a.Id.AttemptId);
            w.WriteString("appAttemptId", a.Id.ToString());
            w.WriteNumber("startTime", a.StartTime.ToEpochMs());
            w.WriteNumber("finishedTime", a.FinishTime?.ToEpochMs() ?? 0);
            w.WriteString("appAttemptState", a.State.ToYarnName());
            w.WriteString("diagnosticsInfo", a.Diagnostics);
            if (a.AmContainer is { } c)
            {
                w.WriteString("containerId", c.Id.ToString());
                w.WriteString("nodeId", c.NodeId.ToString());
                w.WriteString("nodeHttpAddress", view.NodeHttpAddress);
                if (view.NodeHttpAddress.Length > 0)
                    w.WriteString("logsLink", $"http://{view.NodeHttpAddress}/node/containerlogs/{c.Id}/{user}");
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>An attempt's live containers as Hadoop's <c>RMWebServices.getContainers</c> writes them: <c>{"container": [{"containerId",
    /// "allocatedMB", "allocatedVCores", "assignedNodeId", "priority", "containerState": "RUNNING", "nodeId", "nodeHttpAddress",
    /// "amContainer"}]}</c> (<c>amContainer</c> is Bridge's; Hadoop's clients read the AM from the attempt).</summary>
    public static void Containers(Utf8JsonWriter w, IReadOnlyList<ContainerView> containers)
    {
        w.WriteStartObject();
        w.WriteStartArray("container");
        foreach (var view in containers)
        {
            var c = view.Container;
            w.WriteStartObject();
            w.WriteString("containerId", c.Id.ToString());
            w.WriteNumber("allocatedMB", c.Resource.MemoryMb);
            w.WriteNumber("allocatedVCores", c.Resource.VCores);
            w.WriteString("assignedNodeId", c.NodeId.ToString());
            w.WriteNumber("priority", c.Priority.Value);
            w.WriteString("containerState", "RUNNING");
            w.WriteString("nodeId", c.NodeId.ToString());
            w.WriteString("nodeHttpAddress", view.NodeHttpAddress);
            w.WriteBoolean("amContainer", view.IsAm);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary><c>{"application-id": "...", "maximum-resource-capability": {"memory": MB, "vCores": n}}</c>.</summary>
    public static void NewApplication(Utf8JsonWriter w, ApplicationId id, Resource max)
    {
        w.WriteStartObject();
        w.WriteString("application-id", id.ToString());
        w.WriteResource("maximum-resource-capability", max);
        w.WriteEndObject();
    }

    /// <summary><c>{"state": "KILLED"}</c> (Hadoop's AppState).</summary>
    public static void State(Utf8JsonWriter w, RmAppState state)
    {
        w.WriteStartObject();
        w.WriteString("state", state.ToYarnName());
        w.WriteEndObject();
    }
}
