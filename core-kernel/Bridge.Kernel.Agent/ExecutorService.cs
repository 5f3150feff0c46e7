using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1.Executor;
using Bridge.Rpc;
using Google.Protobuf.Reflection;

namespace Bridge.Kernel.Agent;

/// <summary>
/// <c>bridge.v1.executor.Executor</c> on the agent's endpoint (core-kernel/proto/bridge/v1/executor.proto,
/// Mesos' v1 executor API): <c>Subscribe</c> streams an executor's events (SUBSCRIBED, LAUNCH,
/// LAUNCH_GROUP, KILL, ACKNOWLEDGED, MESSAGE, SHUTDOWN) for as long as the call is open; <c>Call</c>
/// carries UPDATE and MESSAGE. Errors: INVALID_ARGUMENT naming the field, NOT_FOUND for an executor
/// or task this agent does not run, FAILED_PRECONDITION for an executor shutting down.
/// </summary>
public sealed class ExecutorService(Agent agent) : ServiceBase(ExecutorReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Executor"))
{
    /// <summary>rpc Subscribe: a SUBSCRIBE call from the executor the agent started.</summary>
    public async Task Subscribe(Call request, IServerStreamWriter<Event> responses, ServerCallContext context)
    {
        if (request.Type != V1.Executor.Call.Types.Type.Subscribe)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"type: Subscribe takes a SUBSCRIBE call, not {request.Type}"));
        var connection = await RpcErrors.Map(() => agent.ExecutorSubscribeAsync(request));
        try
        {
            await foreach (var e in connection.Events.ReadAllAsync(context.CancellationToken))
                await responses.WriteAsync(e);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            agent.ExecutorDisconnected(connection);
        }
    }

    /// <summary>rpc Call: UPDATE or MESSAGE.</summary>
    public async Task<Response> Call(Call request, ServerCallContext context)
    {
        await RpcErrors.Map(async () => { await agent.ExecutorCallAsync(request); return true; });
        return new Response();
    }
}
