using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Protocol.Conversion;

/// <summary>
/// Converts the ResourceManager's states and statuses to and from their wire enums (Hadoop's
/// YarnApplicationStateProto, FinalApplicationStatusProto, YarnApplicationAttemptStateProto, NodeStateProto,
/// NodeActionProto) and to the upper-case names Hadoop's REST API and CLI print (<c>RUNNING</c>, <c>SUCCEEDED</c>).
/// </summary>
public static class StateConversion
{
    /// <summary>An application state on the wire.</summary>
    public static YarnApplicationStateProto ToProto(this RmAppState s) => s switch
    {
        RmAppState.New => YarnApplicationStateProto.New,
        RmAppState.Submitted => YarnApplicationStateProto.Submitted,
        RmAppState.Accepted => YarnApplicationStateProto.Accepted,
        RmAppState.Running => YarnApplicationStateProto.Running,
        RmAppState.Finished => YarnApplicationStateProto.Finished,
        RmAppState.Failed => YarnApplicationStateProto.Failed,
        _ => YarnApplicationStateProto.Killed,
    };

    /// <summary>Hadoop's name of an application state (<c>NEW</c> ... <c>KILLED</c>).</summary>
    public static string ToYarnName(this RmAppState s) => s.ToString().ToUpperInvariant();

    /// <summary>Parses Hadoop's name of an application state, case-insensitively; NEW_SAVING and FINAL_SAVING are
    /// names Hadoop knows that this ResourceManager never shows (they parse to null with <paramref name="known"/> true).</summary>
    /// <returns>True when <paramref name="name"/> is one of YARN's application states.</returns>
    public static bool TryParseAppState(string name, out RmAppState? state, out bool known)
    {
        state = null;
        known = true;
        switch (name.Trim().ToUpperInvariant())
        {
            case "NEW_SAVING" or "FINAL_SAVING": return true;
            case "NEW": state = RmAppState.New; return true;
            case "SUBMITTED": state = RmAppState.Submitted; return true;
            case "ACCEPTED": state = RmAppState.Accepted; return true;
            case "RUNNING": state = RmAppState.Running; return true;
            case "FINISHED": state = RmAppState.Finished; return true;
            case "FAILED": state = RmAppState.Failed; return true;
            case "KILLED": state = RmAppState.Killed; return true;
            default: known = false; return false;
        }
    }

    /// <summary>A final status on the wire.</summary>
    public static FinalApplicationStatusProto ToProto(this FinalApplicationStatus s) => s switch
    {
        FinalApplicationStatus.Succeeded => FinalApplicationStatusProto.AppSucceeded,
        FinalApplicationStatus.Failed => FinalApplicationStatusProto.AppFailed,
        FinalApplicationStatus.Killed => FinalApplicationStatusProto.AppKilled,
        _ => FinalApplicationStatusProto.AppUndefined,
    };

    /// <summary>A final status from the wire (APP_ENDED, which only Hadoop's timeline uses, is refused).</summary>
    /// <exception cref="InvalidMessageException">Not UNDEFINED, SUCCEEDED, FAILED or KILLED.</exception>
    public static FinalApplicationStatus ToRecord(this FinalApplicationStatusProto s, string field) => s switch
    {
        FinalApplicationStatusProto.AppUndefined => FinalApplicationStatus.Undefined,
        FinalApplicationStatusProto.AppSucceeded => FinalApplicationStatus.Succeeded,
        FinalApplicationStatusProto.AppFailed => FinalApplicationStatus.Failed,
        FinalApplicationStatusProto.AppKilled => FinalApplicationStatus.Killed,
        _ => throw new InvalidMessageException(field, $"{s} is not a final status an AM can finish with (APP_SUCCEEDED, APP_FAILED, APP_KILLED)"),
    };

    /// <summary>Hadoop's name of a final status (<c>UNDEFINED</c>, <c>SUCCEEDED</c>, <c>FAILED</c>, <c>KILLED</c>).</summary>
    public static string ToYarnName(this FinalApplicationStatus s) => s.ToString().ToUpperInvariant();

    /// <summary>An attempt state on the wire.</summary>
    public static YarnApplicationAttemptStateProto ToProto(this RmAppAttemptState s) => s switch
    {
        RmAppAttemptState.Scheduled => YarnApplicationAttemptStateProto.AppAttemptScheduled,
        RmAppAttemptState.Allocated => YarnApplicationAttemptStateProto.AppAttemptAllocated,
        RmAppAttemptState.Launched => YarnApplicationAttemptStateProto.AppAttemptLaunched,
        RmAppAttemptState.Running => YarnApplicationAttemptStateProto.AppAttemptRunning,
        RmAppAttemptState.Finished => YarnApplicationAttemptStateProto.AppAttemptFinished,
        RmAppAttemptState.Failed => YarnApplicationAttemptStateProto.AppAttemptFailed,
        _ => YarnApplicationAttemptStateProto.AppAttemptKilled,
    };

    /// <summary>Hadoop's name of an attempt state (<c>SCHEDULED</c>, <c>ALLOCATED</c>, ...).</summary>
    public static string ToYarnName(this RmAppAttemptState s) => s.ToString().ToUpperInvariant();

    /// <summary>A NodeManager state on the wire.</summary>
    public static NodeStateProto ToProto(this RmNodeState s) => s switch
    {
        RmNodeState.Running => NodeStateProto.NsRunning,
        RmNodeState.Decommissioning => NodeStateProto.NsDecommissioning,
        RmNodeState.Decommissioned => NodeStateProto.NsDecommissioned,
        _ => NodeStateProto.NsLost,
    };

    /// <summary>Hadoop's name of a NodeManager state (<c>RUNNING</c>, <c>DECOMMISSIONING</c>, <c>DECOMMISSIONED</c>, <c>LOST</c>).</summary>
    public static string ToYarnName(this RmNodeState s) => s.ToString().ToUpperInvariant();

    /// <summary>A node action on the wire.</summary>
    public static NodeActionProto ToProto(this NodeAction a) => a switch
    {
        NodeAction.Normal => NodeActionProto.Normal,
        NodeAction.Resync => NodeActionProto.Resync,
        _ => NodeActionProto.Shutdown,
    };

    /// <summary>A node action from the wire.</summary>
    /// <exception cref="InvalidMessageException">Not NORMAL, RESYNC or SHUTDOWN.</exception>
    public static NodeAction ToRecord(this NodeActionProto a, string field) => a switch
    {
        NodeActionProto.Normal => NodeAction.Normal,
        NodeActionProto.Resync => NodeAction.Resync,
        NodeActionProto.Shutdown => NodeAction.Shutdown,
        _ => throw new InvalidMessageException(field, $"{(int)a} is not a node action (NORMAL, RESYNC, SHUTDOWN)"),
    };
}
