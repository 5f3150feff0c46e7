using Bridge.Kernel.Master.Internal;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1.Agent;
using Bridge.Rpc;
using Google.Protobuf.Reflection;

namespace Bridge.Kernel.Master;

/// <summary>
/// <c>bridge.v1.agent.AgentMaster</c> on the master: one bidirectional stream per agent
/// (core-kernel/proto/bridge/v1/agent.proto). The first message must register or re-register;
/// a malformed message ends the stream with INVALID_ARGUMENT naming the field, and the agent
/// counts as disconnected until it connects again. A master that does not lead answers UNAVAILABLE naming the leader
/// (<see cref="ElectedMaster.NotLeader"/>); when it stops leading, the stream ends.
/// </summary>
public sealed class AgentMasterService(ElectedMaster elected) : ServiceBase(AgentReflection.Descriptor.FindTypeByName<ServiceDescriptor>("AgentMaster"))
{
    /// <summary>rpc Connect.</summary>
    public async Task Connect(IAsyncStreamReader<AgentMessage> requests, IServerStreamWriter<MasterMessage> responses, ServerCallContext context)
    {
        var cancel = context.CancellationToken;
        var master = elected.Current;
        if (!await requests.MoveNext(cancel)) return;
        var connection = new AgentConnection();
        var id = await RpcErrors.Map(() => master.AgentConnectedAsync(connection, requests.Current));
        var writer = WriteAsync(connection, responses, cancel);
        try
        {
            while (await requests.MoveNext(cancel))
                await RpcErrors.Map(async () => { await master.AgentMessageAsync(id, connection, requests.Current); return true; });
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        finally
        {
            master.AgentDisconnected(id, connection);
            connection.Close();
            await writer;
        }
    }

    private static async Task WriteAsync(AgentConnection connection, IServerStreamWriter<MasterMessage> responses, CancellationToken cancel)
    {
        try
        {
            await foreach (var message in connection.Messages.ReadAllAsync(cancel)) await responses.WriteAsync(message);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException)
        {
            // The stream is gone; the reader side reports the disconnection.
        }
    }
}
