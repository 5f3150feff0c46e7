using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Protocol.Conversion;

/// <summary>Converts ApplicationMasterProtocol's messages (allocate, register) between the wire and the core's records.</summary>
public static class ApplicationMasterConversion
{
    /// <summary>
    /// An allocate call from the wire, for <paramref name="attemptId"/> (named by the AM token, not the message):
    /// every ask and release valid; response_id absent reads as 0, progress absent as 0.
    /// </summary>
    /// <exception cref="InvalidMessageException">An ask or release is invalid; the message names it by index (<c>ask[1].capability.memory</c>).</exception>
    public static AllocateRequest ToRecord(this AllocateRequestProto proto, ApplicationAttemptId attemptId)
    {
        var asks = proto.Ask.Select((a, i) => a.ToRecord($"ask[{i}]")).ToList();
        var releases = proto.Release.Select((r, i) => r.ToRecord($"release[{i}]")).ToList();
        return new AllocateRequest(attemptId, proto.ResponseId, proto.Progress, asks, releases);
    }

    /// <summary>An allocate call on the wire (the attempt travels in the AM token, not here).</summary>
    public static AllocateRequestProto ToProto(this AllocateRequest request)
    {
        var proto = new AllocateRequestProto { ResponseId = request.ResponseId, Progress = request.Progress };
        proto.Ask.AddRange(request.Asks.Select(a => a.ToProto()));
        proto.Release.AddRange(request.Releases.Select(r => r.ToProto()));
        return proto;
    }

    /// <summary>An allocate answer on the wire; <paramref name="container"/> turns each allocated container into its
    /// wire form (adding its NodeManager's web address and its container token).</summary>
    public static AllocateResponseProto ToProto(this AllocateResponse response, Func<Container, ContainerProto> container)
    {
        var proto = new AllocateResponseProto
        {
            ResponseId = response.ResponseId,
            Limit = response.Headroom.ToProto(),
            NumClusterNodes = response.NumClusterNodes,
        };
        proto.AllocatedContainers.AddRange(response.Allocated.Select(container));
        proto.CompletedContainerStatuses.AddRange(response.Completed.Select(s => s.ToProto()));
        return proto;
    }

    /// <summary>A register answer on the wire.</summary>
    public static RegisterApplicationMasterResponseProto ToProto(this RegisterResult result) =>
        new() { MaximumCapability = result.MaximumCapability.ToProto(), Queue = result.Queue };
}
