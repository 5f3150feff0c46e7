using Google.Protobuf;

namespace Bridge.Rpc;

/// <summary>Handler of a unary method: one request in, one response out.</summary>
public delegate Task<TResponse> UnaryServerMethod<TRequest, TResponse>(TRequest request, ServerCallContext context)
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>;

/// <summary>Handler of a client-streaming method: a request stream in, one response out.</summary>
public delegate Task<TResponse> ClientStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context)
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>;

/// <summary>Handler of a server-streaming method: one request in, responses written to a stream.</summary>
public delegate Task ServerStreamingServerMethod<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context)
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>;

/// <summary>Handler of a duplex method: a request stream in, responses written to a stream.</summary>
public delegate Task DuplexStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context)
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>;
