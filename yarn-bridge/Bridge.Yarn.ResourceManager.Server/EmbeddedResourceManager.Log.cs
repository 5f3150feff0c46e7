using Bridge.Yarn.ResourceManager.Records;
using Microsoft.Extensions.Logging;

namespace Bridge.Yarn.ResourceManager.Server;

public sealed partial class EmbeddedResourceManager
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ApplicationId} submitted by {User} to queue {Queue}")]
    private partial void LogSubmitted(ApplicationId applicationId, string user, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application {ApplicationId}: not honoured: {Field}")]
    private partial void LogUnsupported(ApplicationId applicationId, string field);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ApplicationId} killed: {Diagnostics}")]
    private partial void LogKilled(ApplicationId applicationId, string diagnostics);

    [LoggerMessage(Level = LogLevel.Information, Message = "NodeManager {NodeId} registered with {Capability}")]
    private partial void LogNodeRegistered(NodeId nodeId, Resource capability);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NodeManager {NodeId} is LOST (no heartbeat within the expiry)")]
    private partial void LogNodeLost(NodeId nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ApplicationMaster of {AttemptId} timed out")]
    private partial void LogAmExpired(ApplicationAttemptId attemptId);

    [LoggerMessage(Level = LogLevel.Information, Message = "AM container {ContainerId} of {AttemptId} goes to NodeManager {NodeId}")]
    private partial void LogAmLaunch(ContainerId containerId, ApplicationAttemptId attemptId, NodeId nodeId);
}
