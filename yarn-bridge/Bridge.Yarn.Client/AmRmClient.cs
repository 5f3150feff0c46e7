using Bridge.Rpc;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Client;

/// <summary>What an allocate heartbeat brought back.</summary>
/// <param name="Allocated">Newly allocated containers, with their tokens (for the NodeManager).</param>
/// <param name="Completed">Containers that completed since the last heartbeat.</param>
/// <param name="Headroom">What the application may still get (MB, vcores).</param>
/// <param name="Resynced">True when the ResourceManager had lost track of the AM and it registered again
/// (Hadoop's ApplicationMasterNotRegisteredException on allocate, AMRMClient re-registers and re-sends its asks).</param>
public sealed record AllocateResult(IReadOnlyList<ContainerProto> Allocated, IReadOnlyList<ContainerStatus> Completed, Resource Headroom, bool Resynced);

/// <summary>
/// An ApplicationMaster's client of <c>ApplicationMasterProtocol</c> (Hadoop's AMRMClient, without its ask table,
/// which the decision cores keep): register, allocate heartbeats carrying the response id of the last answer, finish.
/// The attempt is named by the AM token the ResourceManager put in the AM container's environment
/// (<c>YARN_AMRM_TOKEN</c>), the scheduler's address by <c>YARN_RM_SCHEDULER_ADDRESS</c>.
/// </summary>
public sealed class AmRmClient : IDisposable
{
    private readonly RpcChannel _channel;
    private readonly ApplicationMasterProtocolClient _client;
    private int _responseId;
    private string _host = "";
    private string _trackingUrl = "";

    /// <summary>A client of the scheduler at <paramref name="scheduler"/> for the attempt <paramref name="amRmToken"/> names.</summary>
    public AmRmClient(Uri scheduler, string amRmToken)
    {
        _channel = RpcChannel.ForAddress(scheduler);
        _client = new ApplicationMasterProtocolClient(_channel, amRmToken);
    }

    /// <summary>A client from the AM container's environment.</summary>
    /// <exception cref="InvalidOperationException">YARN_AMRM_TOKEN or YARN_RM_SCHEDULER_ADDRESS is missing or not a URL.</exception>
    public static AmRmClient FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        if (!environment.TryGetValue(YarnEnvironment.AmRmToken, out var token) || token.Length == 0)
            throw new InvalidOperationException($"{YarnEnvironment.AmRmToken} is not set: this process is not an ApplicationMaster container");
        if (!environment.TryGetValue(YarnEnvironment.SchedulerAddress, out var address) || !Uri.TryCreate(address, UriKind.Absolute, out var scheduler))
            throw new InvalidOperationException($"{YarnEnvironment.SchedulerAddress} is not set to the ResourceManager's scheduler URL");
        return new AmRmClient(scheduler, token);
    }

    /// <summary>registerApplicationMaster.</summary>
    /// <returns>The largest container the cluster grants (MB, vcores) and the queue.</returns>
    /// <exception cref="RpcException">UNAUTHENTICATED for a wrong token, ALREADY_EXISTS when registered twice, ...</exception>
    public async Task<(Resource MaximumCapability, string Queue)> RegisterAsync(string host, string trackingUrl, CancellationToken cancellationToken = default)
    {
        (_host, _trackingUrl) = (host, trackingUrl);
        var response = await _client.RegisterApplicationMaster(new RegisterApplicationMasterRequestProto { Host = host, RpcPort = -1, TrackingUrl = trackingUrl },
            new CallOptions(CancellationToken: cancellationToken));
        _responseId = 0;
        return (response.MaximumCapability.ToRecord("maximumCapability"), response.Queue);
    }

    /// <summary>One allocate heartbeat: absolute ask totals, releases, progress (0 to 1).</summary>
    /// <exception cref="RpcException">The ResourceManager refused the call (other than a resync, which is handled).</exception>
    public async Task<AllocateResult> AllocateAsync(IReadOnlyList<ResourceRequest> asks, IReadOnlyList<ContainerId> releases, float progress, CancellationToken cancellationToken = default)
    {
        var request = new AllocateRequestProto { ResponseId = _responseId, Progress = Math.Clamp(progress, 0f, 1f) };
        request.Ask.AddRange(asks.Select(a => a.ToProto()));
        request.Release.AddRange(releases.Select(r => r.ToProto()));
        AllocateResponseProto response;
        var resynced = false;
        try
        {
            response = await _client.Allocate(request, new CallOptions(CancellationToken: cancellationToken));
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Aborted or StatusCode.FailedPrecondition)
        {
            // The RM restarted or lost the attempt's registration: register again and send the asks again.
            await RegisterAsync(_host, _trackingUrl, cancellationToken);
            request.ResponseId = _responseId;
            response = await _client.Allocate(request, new CallOptions(CancellationToken: cancellationToken));
            resynced = true;
        }
        _responseId = response.ResponseId;
        return new AllocateResult(response.AllocatedContainers.ToList(),
            response.CompletedContainerStatuses.Select((s, i) => s.ToRecord($"completed_container_statuses[{i}]")).ToList(),
            response.Limit is { } limit ? limit.ToRecord("limit") : Resource.None, resynced);
    }

    /// <summary>finishApplicationMaster: unregisters with the final status and diagnostics.</summary>
    public async Task FinishAsync(FinalApplicationStatus status, string diagnostics, CancellationToken cancellationToken = default) =>
        await _client.FinishApplicationMaster(new FinishApplicationMasterRequestProto
        {
            FinalApplicationStatus = status.ToProto(),
            Diagnostics = diagnostics,
            TrackingUrl = _trackingUrl,
        }, new CallOptions(CancellationToken: cancellationToken));

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
