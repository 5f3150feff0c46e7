using Bridge.Eventing.Bus.Backend;
using Bridge.Eventing.Protocol;
using Bridge.Eventing.V1;
using Bridge.Rpc;

namespace Bridge.Eventing.Bus;

/// <summary>
/// <c>bridge.eventing.v1.EventBus</c> as a back-end node serves it to the API tier
/// (kafka-eventing/proto/bridge/eventing/v1/bus.proto): a thin shell over <see cref="BackendNode"/>.
/// It does no authentication: back-end nodes listen where only the API tier reaches them.
/// </summary>
public sealed class BackendService(BackendNode node) : ServiceBase(EventBusClient.Service)
{
    /// <summary>rpc AllocateSession.</summary>
    public Task<AllocateSessionResponse> AllocateSession(AllocateSessionRequest request, ServerCallContext context) => node.AllocateAsync(request, context.CancellationToken);

    /// <summary>rpc Read.</summary>
    public Task<ReadResponse> Read(ReadRequest request, ServerCallContext context) => node.ReadAsync(request, context.CancellationToken);

    /// <summary>rpc Ack.</summary>
    public Task<AckResponse> Ack(AckRequest request, ServerCallContext context) => node.AckAsync(request, context.CancellationToken);

    /// <summary>rpc Write.</summary>
    public Task<WriteResponse> Write(WriteRequest request, ServerCallContext context) => node.WriteAsync(request, context.CancellationToken);

    /// <summary>rpc KeepAlive.</summary>
    public Task<KeepAliveResponse> KeepAlive(KeepAliveRequest request, ServerCallContext context) => Task.FromResult(node.KeepAlive(request));

    /// <summary>rpc Dispose.</summary>
    public Task<DisposeResponse> Dispose(DisposeRequest request, ServerCallContext context) => Task.FromResult(node.Dispose(request));
}
