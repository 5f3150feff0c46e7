using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Rpc.Internal;

/// <summary>Runs calls of one bound method: reads requests, invokes the handler, writes responses and status.</summary>
internal abstract class ServerMethodHandler
{
    public abstract string Path { get; }

    public abstract Task HandleAsync(HttpContext http, RpcServerOptions options, ILogger logger);
}

internal sealed class ServerMethodHandler<TRequest, TResponse> : ServerMethodHandler
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly Delegate? _handler;

    /// <param name="method">The method.</param>
    /// <param name="handler">One of the four handler delegates matching the method type, or null to answer UNIMPLEMENTED.</param>
    public ServerMethodHandler(Method<TRequest, TResponse> method, Delegate? handler)
    {
        _method = method;
        _handler = handler;
    }

    public override string Path => _method.FullName;

    public override async Task HandleAsync(HttpContext http, RpcServerOptions options, ILogger logger)
    {
        using var call = await ServerCall.StartAsync(http, options, logger, _method.FullName);
        if (call is null) return;
        try
        {
            await InvokeAsync(call);
            await call.FinishAsync(call.Context.Status);
        }
        catch (Exception e)
        {
            await call.FailAsync(e);
        }
    }

    private async Task InvokeAsync(ServerCall call)
    {
        var ctx = call.Context;
        var parser = _method.RequestParser;
        switch (_handler)
        {
            case null:
                throw new RpcException(new Status(StatusCode.Unimplemented, $"Method {_method.FullName} is unimplemented."));
            case UnaryServerMethod<TRequest, TResponse> unary:
            {
                var request = await call.Reader.ReadSingleAsync(parser, "request", call.CancellationToken);
                var response = await unary(request, ctx);
                if (ctx.Status.StatusCode == StatusCode.OK) await call.WriteMessageAsync(response, default);
                break;
            }
            case ClientStreamingServerMethod<TRequest, TResponse> clientStreaming:
            {
                var response = await clientStreaming(new ServerRequestStream<TRequest>(call, parser), ctx);
                if (ctx.Status.StatusCode == StatusCode.OK) await call.WriteMessageAsync(response, default);
                break;
            }
            case ServerStreamingServerMethod<TRequest, TResponse> serverStreaming:
            {
                var request = await call.Reader.ReadSingleAsync(parser, "request", call.CancellationToken);
                await serverStreaming(request, new ServerResponseStream<TResponse>(call), ctx);
                break;
            }
            case DuplexStreamingServerMethod<TRequest, TResponse> duplex:
                await duplex(new ServerRequestStream<TRequest>(call, parser), new ServerResponseStream<TResponse>(call), ctx);
                break;
            default:
                throw new InvalidOperationException($"Handler {_handler.GetType()} does not match {_method}.");
        }
    }
}
