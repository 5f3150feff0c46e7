using Bridge.Rpc;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Security;
using Bridge.Yarn.ResourceManager.Nodes;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.NodeManager.Rpc;

/// <summary>
/// <see cref="IResourceTracker"/> over gRPC (<c>bridge.yarn.v1.ResourceTracker</c>): registration and heartbeats to the
/// ResourceManager, each heartbeat answering the last response's response_id. A ResourceManager that cannot be
/// reached (UNAVAILABLE, DEADLINE_EXCEEDED, a refused connection) is an <see cref="IOException"/>, which the
/// NodeManager retries; any other gRPC error is a bug on one side and surfaces as it is.
/// </summary>
/// <param name="channel">A channel to the ResourceManager (not disposed here).</param>
/// <param name="callTimeout">Deadline of each call (default 10 s).</param>
public sealed class GrpcResourceTracker(RpcChannel channel, TimeSpan? callTimeout = null) : IResourceTracker
{
    private readonly ResourceTrackerClient _client = new(channel);
    private readonly TimeSpan _timeout = callTimeout ?? TimeSpan.FromSeconds(10);
    private int _lastResponseId;

    /// <inheritdoc />
    public async Task<RegistrationAnswer> RegisterAsync(NodeRegistration registration, CancellationToken cancellationToken)
    {
        var response = await CallAsync(() => _client.RegisterNodeManager(registration.ToProto(), Options(cancellationToken)).ResponseAsync, cancellationToken);
        _lastResponseId = 0;
        var action = response.HasNodeAction ? response.NodeAction.ToRecord("nodeAction") : NodeAction.Normal;
        var key = response.ContainerTokenMasterKey is { } k ? MasterKey.FromProto(k, "container_token_master_key") : null;
        return new RegistrationAnswer(action, response.DiagnosticsMessage, key);
    }

    /// <inheritdoc />
    public async Task<HeartbeatAnswer> HeartbeatAsync(NodeHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        var response = await CallAsync(() => _client.NodeHeartbeat(heartbeat.ToProto(_lastResponseId), Options(cancellationToken)).ResponseAsync, cancellationToken);
        _lastResponseId = response.ResponseId;
        return new HeartbeatAnswer(
            response.HasNodeAction ? response.NodeAction.ToRecord("nodeAction") : NodeAction.Normal,
            response.ContainersToCleanup.Select((c, i) => c.ToRecord($"containers_to_cleanup[{i}]")).ToList(),
            response.ApplicationsToCleanup.Select((a, i) => a.ToRecord($"applications_to_cleanup[{i}]")).ToList(),
            response.ContainersToLaunch.ToList(),
            response.DiagnosticsMessage,
            response.ContainerTokenMasterKey is { } k ? MasterKey.FromProto(k, "container_token_master_key") : null);
    }

    private CallOptions Options(CancellationToken cancellationToken) => new(Deadline: DateTime.UtcNow + _timeout, CancellationToken: cancellationToken);

    private static async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // Our own cancellation (the NodeManager stopping): report it as one, not as a failed call.
            throw new OperationCanceledException("The call to the ResourceManager was cancelled", e, cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new IOException($"ResourceManager unreachable: {e.Status.Detail}", e);
        }
        catch (HttpRequestException e)
        {
            throw new IOException($"ResourceManager unreachable: {e.Message}", e);
        }
        catch (InvalidMessageException e)
        {
            throw new IOException($"ResourceManager sent a malformed answer: {e.Message}", e);
        }
    }
}
