using System.Threading.Channels;
using Google.Protobuf.Reflection;
using ServingStatus = Bridge.Rpc.Health.HealthCheckResponse.Types.ServingStatus;

namespace Bridge.Rpc.Health;

/// <summary>
/// The standard gRPC health service, <c>grpc.health.v1.Health</c>
/// (https://github.com/grpc/grpc/blob/master/doc/health-checking.md): <c>Check</c> answers the
/// current status of a service name ("" is the whole server) or NOT_FOUND; <c>Watch</c> streams the
/// status now and on every change (SERVICE_UNKNOWN for names not registered yet) until the client
/// cancels. Thread-safe.
/// </summary>
public sealed class HealthService : ServiceBase
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [""] = ServingStatus.Serving };
    private readonly List<(string Service, Channel<ServingStatus> Updates)> _watchers = new();

    /// <summary>A health service reporting the whole server ("") as SERVING.</summary>
    public HealthService() : base(HealthReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Health")) { }

    /// <summary>Sets the status of <paramref name="service"/> ("" for the whole server) and tells its watchers.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            _statuses[service] = status;
            foreach (var (name, updates) in _watchers)
                if (name == service) updates.Writer.TryWrite(status);
        }
    }

    /// <summary>rpc Check: the current status.</summary>
    /// <exception cref="RpcException">NOT_FOUND when the service name is unknown.</exception>
    public Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        lock (_gate)
        {
            if (!_statuses.TryGetValue(request.Service, out var status))
                throw new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'."));
            return Task.FromResult(new HealthCheckResponse { Status = status });
        }
    }

    /// <summary>rpc Watch: the current status, then each change, until the call is cancelled.</summary>
    public async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        // Only the latest status matters to a watcher: a slow one skips intermediate states.
        var updates = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var entry = (request.Service, updates);
        lock (_gate)
        {
            updates.Writer.TryWrite(_statuses.TryGetValue(request.Service, out var now) ? now : ServingStatus.ServiceUnknown);
            _watchers.Add(entry);
        }
        try
        {
            await foreach (var status in updates.Reader.ReadAllAsync(context.CancellationToken))
                await responses.WriteAsync(new HealthCheckResponse { Status = status });
        }
        finally
        {
            lock (_gate) _watchers.Remove(entry);
        }
    }
}
