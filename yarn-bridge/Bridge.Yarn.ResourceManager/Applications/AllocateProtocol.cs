using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Applications;

/// <summary>An ApplicationMaster's heartbeat (Hadoop's <c>AllocateRequest</c>).</summary>
/// <param name="AttemptId">The calling attempt.</param>
/// <param name="ResponseId">The responseId of the last response it received (0 right after registering).</param>
/// <param name="Progress">Its progress, 0 to 1.</param>
/// <param name="Asks">Asks replacing earlier ones for the same (priority, resourceName, capability).</param>
/// <param name="Releases">Containers it gives back.</param>
public sealed record AllocateRequest(
    ApplicationAttemptId AttemptId, int ResponseId, float Progress,
    IReadOnlyList<ResourceRequest> Asks, IReadOnlyList<ContainerId> Releases);

/// <summary>The answer to an allocate call (Hadoop's <c>AllocateResponse</c>).</summary>
/// <param name="ResponseId">The request's responseId + 1; the AM sends it back next time.</param>
/// <param name="Allocated">Containers allocated since the last response.</param>
/// <param name="Completed">Statuses of its containers completed since the last response (each reported once).</param>
/// <param name="Headroom">What it may still get (MB, vcores).</param>
/// <param name="NumClusterNodes">NodeManagers in the cluster.</param>
public sealed record AllocateResponse(
    int ResponseId, IReadOnlyList<Container> Allocated, IReadOnlyList<ContainerStatus> Completed,
    Resource Headroom, int NumClusterNodes);

/// <summary>An allocate call's outcome: the response, or a refusal (unknown attempt, not registered, out of sync, invalid ask or release).</summary>
/// <param name="Status">Ok or the refusal.</param>
/// <param name="Response">The response when ok (possibly the previous one again, for a repeated call).</param>
public sealed record AllocateResult(RmStatus Status, AllocateResponse? Response);

/// <summary>A register call's outcome (Hadoop's <c>RegisterApplicationMasterResponse</c>, the fields the core knows).</summary>
/// <param name="Status">Ok or the refusal.</param>
/// <param name="MaximumCapability">The largest container it may ask for.</param>
/// <param name="Queue">Its queue.</param>
public sealed record RegisterResult(RmStatus Status, Resource MaximumCapability, string Queue);
