using System.Runtime.CompilerServices;
using Bridge.Rpc.Internal;
using Google.Protobuf;

namespace Bridge.Rpc;

/// <summary>A unary call in flight. Await it (or <see cref="ResponseAsync"/>) for the response. Mirrors grpc-dotnet's type of the same name.</summary>
public sealed class AsyncUnaryCall<TResponse> : IDisposable
{
    private readonly IDisposable _call;
    private readonly Func<Status> _status;
    private readonly Func<Metadata> _trailers;

    internal AsyncUnaryCall(Task<TResponse> response, Task<Metadata> headers, Func<Status> status, Func<Metadata> trailers, IDisposable call)
    {
        ResponseAsync = response;
        ResponseHeadersAsync = headers;
        _status = status;
        _trailers = trailers;
        _call = call;
    }

    /// <summary>The response; faults with <see cref="RpcException"/> on a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The server's response headers (custom metadata).</summary>
    public Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The final status.</summary>
    /// <exception cref="InvalidOperationException">The call has not finished.</exception>
    public Status GetStatus() => _status();

    /// <summary>The trailers.</summary>
    /// <exception cref="InvalidOperationException">The call has not finished.</exception>
    public Metadata GetTrailers() => _trailers();

    /// <summary>Awaits <see cref="ResponseAsync"/>.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>Cancels the call if still running (the server sees a reset stream) and frees its resources.</summary>
    public void Dispose() => _call.Dispose();
}

/// <summary>A server-streaming call in flight. Mirrors grpc-dotnet's type of the same name.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly IDisposable _call;
    private readonly Func<Status> _status;
    private readonly Func<Metadata> _trailers;

    internal AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responses, Task<Metadata> headers, Func<Status> status, Func<Metadata> trailers, IDisposable call)
    {
        ResponseStream = responses;
        ResponseHeadersAsync = headers;
        _status = status;
        _trailers = trailers;
        _call = call;
    }

    /// <summary>The responses; <c>MoveNext</c> throws <see cref="RpcException"/> at a non-OK end.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The server's response headers (custom metadata).</summary>
    public Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The final status.</summary>
    /// <exception cref="InvalidOperationException">The call has not finished.</exception>
    public Status GetStatus() => _status();

    /// <summary>The trailers.</summary>
    /// <exception cref="InvalidOperationException">The call has not finished.</exception>
    public Metadata GetTrailers() => _trailers();

    /// <summary>Cancels the call if still running and frees its resources.</summary>
    public void Dispose() => _call.Dispose();
}

/// <summary>A client-streaming call in flight. Mirrors grpc-dotnet's type of the same name.</summary>
public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IDisposable _call;
    private readonly Func<Status> _status;
    private readonly Func<Metadata> _trailers;

    internal AsyncClientStreamingCall(IClientStreamWriter<TRequest> requests, Task<TResponse> response, Task<Metadata> headers,
        Func<Status> status, Func<Metadata> trailers, IDisposable call)
    {
        RequestStream = requests;
        ResponseAsync = response;
        ResponseHeadersAsync = headers;
        _status = status;
        _trailers = trailers;
        _call = call;
    }

    /// <summary>The requests; call <c>CompleteAsync</c> when done.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response; faults with <see cref="RpcException"/> on a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The server's response headers (custom metadata).</summary>
    public Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The final status.</summary>
    /// <exception cref="InvalidOperationException">The call has not finished.</exception>
    public Status GetStatus() => _status();

    /// <summary>The trailers.</summary>
    /// <exception cref="InvalidOperationException">The call has not finished.</exception>
    public Metadata GetTrailers() => _trailers();

    /// <summary>Awaits <see cref="ResponseAsync"/>.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>Cancels the call if still running and frees its resources.</summary>
    public void Dispose() => _call.Dispose();
}

/// <summary>A bidirectional-streaming call in flight. Mirrors grpc-dotnet's type of the same name.</summary>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IDisposable _call;
    private readonly Func<Status> _status;
    private readonly Func<Metadata> _trailers;

    internal AsyncDuplexStreamingCall(IClientStreamWriter<TRequest> requests, IAsyncStreamReader<TResponse> responses,
        Task<Metadata> headers, Func<Status> status, Func<Metadata> trailers, IDisposable call)
    {
        RequestStream = requests;
        ResponseStream = responses;
        ResponseHeadersAsync = headers;
        _status = status;
        _trailers = trailers;
        _call = call;
    }

    /// <summary>The requests; call <c>CompleteAsync</c> when done.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The responses; <c>MoveNext</c> throws <see cref="RpcException"/> at a non-OK end.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The server's response headers (custom metadata).</summary>
    public Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The final status.</summary>
    /// <exception cref="InvalidOperationException">The call has not finished.</exception>
    public Status GetStatus() => _status();

    /// <summary>The trailers.</summary>
    /// <exception cref="InvalidOperationException">The call has not finished.</exception>
    public Metadata GetTrailers() => _trailers();

    /// <summary>Cancels the call if still running and frees its resources.</summary>
    public void Dispose() => _call.Dispose();
}

/// <summary>
/// Starts calls on a channel. Mirrors grpc-dotnet's <c>CallInvoker</c>; typed stubs
/// (<see cref="ClientBase"/>) call it with their <see cref="Method{TRequest,TResponse}"/>s.
/// </summary>
public sealed class CallInvoker
{
    private readonly RpcChannel _channel;

    internal CallInvoker(RpcChannel channel) => _channel = channel;

    /// <summary>Starts a unary call.</summary>
    /// <exception cref="ArgumentException"><paramref name="method"/> is not unary.</exception>
    public AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method,
        CallOptions options, TRequest request)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        var call = Start(method, MethodType.Unary, options, request);
        return new AsyncUnaryCall<TResponse>(call.ReadSingleResponseAsync(), call.ResponseHeadersTask, call.GetStatus, call.GetTrailers, call);
    }

    /// <summary>Starts a server-streaming call.</summary>
    /// <exception cref="ArgumentException"><paramref name="method"/> is not server-streaming.</exception>
    public AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method,
        CallOptions options, TRequest request)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        var call = Start(method, MethodType.ServerStreaming, options, request);
        return new AsyncServerStreamingCall<TResponse>(new ClientResponseStream<TRequest, TResponse>(call),
            call.ResponseHeadersTask, call.GetStatus, call.GetTrailers, call);
    }

    /// <summary>Starts a client-streaming call.</summary>
    /// <exception cref="ArgumentException"><paramref name="method"/> is not client-streaming.</exception>
    public AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        var call = Start(method, MethodType.ClientStreaming, options, null);
        return new AsyncClientStreamingCall<TRequest, TResponse>(new ClientRequestStream<TRequest, TResponse>(call),
            call.ReadSingleResponseAsync(), call.ResponseHeadersTask, call.GetStatus, call.GetTrailers, call);
    }

    /// <summary>Starts a duplex call.</summary>
    /// <exception cref="ArgumentException"><paramref name="method"/> is not duplex.</exception>
    public AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        var call = Start(method, MethodType.DuplexStreaming, options, null);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(new ClientRequestStream<TRequest, TResponse>(call),
            new ClientResponseStream<TRequest, TResponse>(call), call.ResponseHeadersTask, call.GetStatus, call.GetTrailers, call);
    }

    private ClientCall<TRequest, TResponse> Start<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected,
        CallOptions options, TRequest? request)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expected)
            throw new ArgumentException($"{method.FullName} is {method.Type}, not {expected}.", nameof(method));
        if (expected is MethodType.Unary or MethodType.ServerStreaming) ArgumentNullException.ThrowIfNull(request);
        var call = new ClientCall<TRequest, TResponse>(_channel, method, options);
        call.Start(request);
        return call;
    }
}
