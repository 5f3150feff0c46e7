namespace Bridge.Rpc;

/// <summary>
/// A connection to one gRPC server, over <see cref="SocketsHttpHandler"/>: HTTP/2 with prior
/// knowledge for <c>http://</c>, TLS with ALPN for <c>https://</c>. Calls multiplex over the
/// connection; the handler opens more connections when the server's stream limit is reached.
/// Thread-safe; create one per server and share it. Mirrors grpc-dotnet's <c>GrpcChannel</c>.
/// </summary>
public sealed class RpcChannel : IDisposable
{
    private readonly bool _ownsHandler;

    private RpcChannel(Uri address, RpcChannelOptions options)
    {
        Address = address;
        Options = options;
        HttpMessageHandler handler;
        if (options.HttpHandler is not null)
        {
            handler = options.HttpHandler;
        }
        else
        {
            var sockets = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                UseProxy = false,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            };
            if (options.SslOptions is not null) sockets.SslOptions = options.SslOptions;
            handler = sockets;
            _ownsHandler = true;
        }
        Invoker = new HttpMessageInvoker(handler, disposeHandler: _ownsHandler);
        CallInvoker = new CallInvoker(this);
    }

    /// <summary>A channel to <paramref name="address"/> (<c>http://host:port</c> or <c>https://host:port</c>).</summary>
    /// <exception cref="ArgumentException">The address is not absolute http(s).</exception>
    public static RpcChannel ForAddress(Uri address, RpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"Address '{address}' must be an absolute http:// or https:// URI.", nameof(address));
        return new RpcChannel(address, options ?? new RpcChannelOptions());
    }

    /// <summary>A channel to <paramref name="address"/>, e.g. <c>http://127.0.0.1:5050</c>.</summary>
    /// <exception cref="UriFormatException">The address does not parse.</exception>
    public static RpcChannel ForAddress(string address, RpcChannelOptions? options = null) =>
        ForAddress(new Uri(address), options);

    /// <summary>The server's address.</summary>
    public Uri Address { get; }

    /// <summary>The channel's settings.</summary>
    public RpcChannelOptions Options { get; }

    /// <summary>Starts calls on this channel; typed clients take it in their constructor.</summary>
    public CallInvoker CallInvoker { get; }

    internal HttpMessageInvoker Invoker { get; }

    /// <summary>Closes the connections; calls in flight fail with UNAVAILABLE or CANCELLED.</summary>
    public void Dispose() => Invoker.Dispose();
}
