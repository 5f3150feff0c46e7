using Bridge.Yarn.ResourceManager;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Protocol.Conversion;

/// <summary>Converts the core's read models (application reports, cluster metrics) to their wire forms.</summary>
public static class ReportConversion
{
    /// <summary>
    /// An application report on the wire (Hadoop's ApplicationReportProto): times in ms since the epoch
    /// (finishTime 0 while running), diagnostics as the core has them, needed_resources = used plus the pending
    /// <c>*</c> asks, rpc_port -1 until its AM registers.
    /// </summary>
    public static ApplicationReportProto ToProto(this ApplicationReport r, IEnumerable<string>? tags = null, int rpcPort = -1)
    {
        var pending = r.ResourceRequests.Where(q => q.IsAny).Aggregate(Resource.None, (s, q) => s + q.Capability * q.NumContainers);
        var proto = new ApplicationReportProto
        {
            ApplicationId = r.Id.ToProto(),
            User = r.User,
            Queue = r.Queue,
            Name = r.Name,
            Host = r.AmHost,
            RpcPort = rpcPort,
            YarnApplicationState = r.State.ToProto(),
            TrackingUrl = r.TrackingUrl,
            OriginalTrackingUrl = r.TrackingUrl,
            Diagnostics = r.Diagnostics,
            StartTime = r.StartedTime.ToEpochMs(),
            FinishTime = r.FinishedTime?.ToEpochMs() ?? 0,
            FinalApplicationStatus = r.FinalStatus.ToProto(),
            Progress = r.Progress,
            ApplicationType = r.ApplicationType,
            Priority = new PriorityProto { Priority = r.Priority },
            UnmanagedApplication = false,
            AppResourceUsage = new ApplicationResourceUsageReportProto
            {
                NumUsedContainers = r.RunningContainers,
                NumReservedContainers = 0,
                UsedResources = r.Allocated.ToProto(),
                ReservedResources = Resource.None.ToProto(),
                NeededResources = (r.Allocated + pending).ToProto(),
            },
        };
        if (r.CurrentAttemptId is { } attempt) proto.CurrentApplicationAttemptId = attempt.ToProto();
        if (tags is not null) proto.ApplicationTags.AddRange(tags);
        return proto;
    }

    /// <summary>NodeManager counts on the wire (Hadoop's YarnClusterMetricsProto): num_node_managers counts RUNNING and
    /// DECOMMISSIONING NodeManagers, num_active_nms RUNNING ones; unhealthy and rebooted are never counted (not modelled).</summary>
    public static YarnClusterMetricsProto ToProto(this ClusterMetrics m) => new()
    {
        NumNodeManagers = m.ActiveNodes + m.DecommissioningNodes,
        NumActiveNms = m.ActiveNodes,
        NumDecommissionedNms = m.DecommissionedNodes,
        NumLostNms = m.LostNodes,
        NumUnhealthyNms = 0,
        NumRebootedNms = 0,
    };
}
