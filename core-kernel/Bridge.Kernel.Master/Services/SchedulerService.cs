using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1.Scheduler;
using Bridge.Rpc;
using Google.Protobuf.Reflection;

namespace Bridge.Kernel.Master;

/// <summary>
/// <c>bridge.v1.scheduler.Scheduler</c> on the master (core-kernel/proto/bridge/v1/scheduler.proto):
/// <c>Subscribe</c> streams a framework's events for as long as the call is open (closing it is a
/// disconnection: the framework's tasks wait for its failover timeout) and sends the stream id both
/// in SUBSCRIBED and as the <c>bridge-stream-id</c> response header (where Mesos sends
/// <c>Mesos-Stream-Id</c>); <c>Call</c> carries every other call, with the stream id in the
/// <c>bridge-stream-id</c> request header. A master that does not lead answers UNAVAILABLE naming the leader
/// (<see cref="ElectedMaster.NotLeader"/>).
/// </summary>
public sealed class SchedulerService(ElectedMaster elected) : ServiceBase(SchedulerReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Scheduler"))
{
    /// <summary>The metadata header that carries the stream id from SUBSCRIBED (Mesos: <c>Mesos-Stream-Id</c>).</summary>
    public const string StreamIdHeader = "bridge-stream-id";

    /// <summary>rpc Subscribe: response headers carry <see cref="StreamIdHeader"/>, then the events.
    /// INVALID_ARGUMENT when the call is not a well-formed SUBSCRIBE.</summary>
    public async Task Subscribe(Call request, IServerStreamWriter<Event> responses, ServerCallContext context)
    {
        if (request.Type != V1.Scheduler.Call.Types.Type.Subscribe)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"type: Subscribe takes a SUBSCRIBE call, not {request.Type}"));
        var master = elected.Current;
        var connection = await RpcErrors.Map(() => master.SubscribeAsync(request));
        try
        {
            await context.WriteResponseHeadersAsync(new Metadata { { StreamIdHeader, connection.StreamId } });
            await foreach (var e in connection.Events.ReadAllAsync(context.CancellationToken))
                await responses.WriteAsync(e);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            master.FrameworkDisconnected(connection.FrameworkId, connection);
        }
    }

    /// <summary>rpc Call: every call type but SUBSCRIBE. INVALID_ARGUMENT (malformed, naming the field),
    /// NOT_FOUND (unknown framework), FAILED_PRECONDITION (not the framework's current stream).</summary>
    public async Task<Response> Call(Call request, ServerCallContext context)
    {
        var streamId = context.RequestHeaders.GetValue(StreamIdHeader);
        var master = elected.Current;
        await RpcErrors.Map(async () => { await master.CallAsync(request, streamId); return true; });
        return new Response();
    }
}
