using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1.Operator;
using Bridge.Rpc;
using Google.Protobuf.Reflection;

namespace Bridge.Kernel.Master;

/// <summary>
/// <c>bridge.v1.operator.Operator</c> on the master (core-kernel/proto/bridge/v1/operator.proto):
/// state queries, quota, weights and reservations through <c>Call</c>; <c>Subscribe</c> streams
/// SUBSCRIBED with the whole state, then TASK_ADDED, TASK_UPDATED, AGENT_ADDED, AGENT_REMOVED,
/// FRAMEWORK_* and OFFERS_SUMMARY (at most one per allocation interval, when offers changed)
/// events, with a HEARTBEAT at the master's heartbeat interval.
/// </summary>
public sealed class OperatorService(ElectedMaster elected) : ServiceBase(OperatorReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Operator"))
{
    /// <summary>rpc Call. INVALID_ARGUMENT (malformed, naming the field), NOT_FOUND (unknown agent),
    /// FAILED_PRECONDITION (resources to reserve are not free).</summary>
    public Task<Response> Call(Call request, ServerCallContext context) => RpcErrors.Map(() => elected.Current.OperatorCallAsync(request));

    /// <summary>rpc Subscribe (a SUBSCRIBE call).</summary>
    public async Task Subscribe(Call request, IServerStreamWriter<Event> responses, ServerCallContext context)
    {
        if (request.Type != V1.Operator.Call.Types.Type.Subscribe)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"type: Subscribe takes a SUBSCRIBE call, not {request.Type}"));
        var master = elected.Current;
        var (state, events, close) = await RpcErrors.Map(() => master.OperatorSubscribeAsync());
        var interval = master.Options.HeartbeatInterval;
        var time = master.Options.TimeProvider;
        try
        {
            await responses.WriteAsync(new Event
            {
                Type = Event.Types.Type.Subscribed,
                Subscribed = new() { GetState = state, HeartbeatIntervalSeconds = interval.TotalSeconds },
            });
            while (true)
            {
                using var timeout = new CancellationTokenSource(interval, time);
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, timeout.Token);
                bool more;
                try
                {
                    more = await events.WaitToReadAsync(beat.Token);
                }
                catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
                {
                    await responses.WriteAsync(new Event { Type = Event.Types.Type.Heartbeat });
                    continue;
                }
                if (!more) break;
                while (events.TryRead(out var e)) await responses.WriteAsync(e);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            close();
        }
    }
}
