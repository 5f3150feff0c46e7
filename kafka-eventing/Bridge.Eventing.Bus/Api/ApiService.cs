using Bridge.Eventing.Protocol;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Google.Protobuf;

namespace Bridge.Eventing.Bus.Api;

/// <summary>
/// <c>bridge.eventing.v1.EventBus</c> as the API tier serves it to clients
/// (kafka-eventing/proto/bridge/eventing/v1/bus.proto). Each call is checked against its topic's
/// policy (<see cref="ApiAuthorization"/>), then forwarded to the back-end node that owns the session
/// (<see cref="BackendPool"/>). AllocateSession makes the session id. When the owner fails at the
/// transport or answers draining, it is marked down and the call goes once more to the next owner,
/// which for an existing session answers NOT_FOUND (session-unknown): the client re-allocates from
/// its cursor. The tier holds no session state, so replicas of it need no coordination.
/// </summary>
public sealed class ApiService(BackendPool backends, SessionIds sessionIds, ApiAuthorization authorization)
    : ServiceBase(EventBusClient.Service)
{
    /// <summary>rpc AllocateSession.</summary>
    public async Task<AllocateSessionResponse> AllocateSession(AllocateSessionRequest request, ServerCallContext context)
    {
        if (request.SessionId.Length > 0) throw new RpcException(new Status(StatusCode.InvalidArgument, "session_id: set by the bus; leave it empty"));
        if (request.Mode is not (SessionMode.Read or SessionMode.Write)) throw new RpcException(new Status(StatusCode.InvalidArgument, "mode: READ or WRITE"));
        var subject = authorization.Check(request.Topic, request.Mode, null, request, context);
        var forwarded = request.Clone();
        forwarded.SessionId = sessionIds.Create(new SessionClaims(request.Topic, request.Mode, subject));
        return await ForwardAsync(forwarded.SessionId, (client, options) => client.AllocateSessionAsync(forwarded, options).ResponseAsync, context);
    }

    /// <summary>rpc Read.</summary>
    public Task<ReadResponse> Read(ReadRequest request, ServerCallContext context) =>
        SessionCallAsync(request.SessionId, request, context, (client, options) => client.ReadAsync(request, options).ResponseAsync);

    /// <summary>rpc Ack.</summary>
    public Task<AckResponse> Ack(AckRequest request, ServerCallContext context) =>
        SessionCallAsync(request.SessionId, request, context, (client, options) => client.AckAsync(request, options).ResponseAsync);

    /// <summary>rpc Write.</summary>
    public Task<WriteResponse> Write(WriteRequest request, ServerCallContext context) =>
        SessionCallAsync(request.SessionId, request, context, (client, options) => client.WriteAsync(request, options).ResponseAsync);

    /// <summary>rpc KeepAlive.</summary>
    public Task<KeepAliveResponse> KeepAlive(KeepAliveRequest request, ServerCallContext context) =>
        SessionCallAsync(request.SessionId, request, context, (client, options) => client.KeepAliveAsync(request, options).ResponseAsync);

    /// <summary>rpc Dispose.</summary>
    public Task<DisposeResponse> Dispose(DisposeRequest request, ServerCallContext context) =>
        SessionCallAsync(request.SessionId, request, context, (client, options) => client.DisposeAsync(request, options).ResponseAsync);

    private Task<T> SessionCallAsync<T>(string sessionId, IMessage request, ServerCallContext context, Func<EventBusClient, CallOptions, Task<T>> call)
    {
        var claims = sessionIds.Open(sessionId)
            ?? throw BusReason.Error(StatusCode.NotFound, BusReason.SessionUnknown, "session_id: not a session this bus allocated; allocate one");
        authorization.Check(claims.Topic, claims.Mode, claims.Subject, request, context);
        return ForwardAsync(sessionId, call, context);
    }

    private async Task<T> ForwardAsync<T>(string sessionId, Func<EventBusClient, CallOptions, Task<T>> call, ServerCallContext context)
    {
        var options = new CallOptions(Deadline: context.Deadline == DateTime.MaxValue ? null : context.Deadline, CancellationToken: context.CancellationToken);
        RpcException? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (backends.Route(sessionId) is not { } node)
            {
                // Every node down: look again now rather than fail a call a probe interval too early.
                await backends.ProbeAsync();
                node = backends.Route(sessionId) ?? throw BusReason.Error(StatusCode.Unavailable, BusReason.NoBackend, "no back-end node of the bus is serving");
            }
            try
            {
                return await call(node.Client, options);
            }
            catch (RpcException e) when (MovesSession(e))
            {
                backends.MarkDown(node.NodeId, BusReason.Of(e) ?? e.Status.Detail);
                last = e;
            }
        }
        throw last!;
    }

    /// <summary>A failure of the node rather than of the call: the transport (UNAVAILABLE without a reason) or a draining node.</summary>
    private static bool MovesSession(RpcException e) =>
        e.StatusCode == StatusCode.Unavailable && BusReason.Of(e) is null or BusReason.Draining;
}
