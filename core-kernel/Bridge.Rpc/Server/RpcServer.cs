using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Rpc;

/// <summary>
/// A standalone gRPC server on Kestrel: HTTP/2 only, cleartext with prior knowledge (h2c) or
/// TLS with ALPN <c>h2</c> when a certificate is given. Given an HTTP pipeline as well, the same
/// port also serves plain HTTP/1.1 (and non-gRPC HTTP/2) requests through it: cleartext
/// connections are told apart by the HTTP/2 preface, TLS ones by ALPN.
/// </summary>
public sealed class RpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RpcServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:40123</c> (the real port when 0 was asked).</summary>
    public Uri Address { get; }

    /// <summary>The bound TCP port.</summary>
    public int Port => Address.Port;

    /// <summary>Starts listening on <see cref="RpcServerOptions.Endpoint"/> and returns once bound.</summary>
    /// <exception cref="InvalidOperationException">A service cannot be bound.</exception>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    /// <param name="options">Endpoint, limits, TLS, logging.</param>
    /// <param name="services">The gRPC services served.</param>
    /// <param name="http">Optional: adds plain HTTP endpoints (JSON, metrics, pages) after the gRPC routes; when
    /// given, the endpoint speaks HTTP/1.1 too.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<RpcServer> StartAsync(RpcServerOptions options, IEnumerable<ServiceBase> services,
        Action<IApplicationBuilder>? http = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        // Kestrel's own logs (connection aborts, protocol errors) go where the caller's logs go.
        builder.Services.AddSingleton(http is not null && options.Certificate is null ? new SniffedEndpointLogging(options.LoggerFactory) : options.LoggerFactory);
        // The embedding program owns Ctrl-C and SIGTERM; the host's console lifetime would swallow them.
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The protocol sniffer marks h2c connections as if ALPN chose h2, so Kestrel would expect
            // :scheme https; the client rightly sends http.
            kestrel.AllowAlternateSchemes = http is not null;
            kestrel.Listen(options.Endpoint, listen =>
            {
                listen.Protocols = http is null ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2;
                if (options.Certificate is not null) listen.UseHttps(options.Certificate);
                else if (http is not null) listen.Use(CleartextProtocolSniffer.Middleware);
            });
        });
        var app = builder.Build();
        app.UseRpcServices(options, services);
        http?.Invoke(app);
        await app.StartAsync(cancellationToken);
        var bound = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RpcServer(app, new Uri(bound.Replace("[::]", "127.0.0.1")));
    }

    /// <summary>Stops accepting calls; in-flight calls get up to <paramref name="grace"/> to finish (default: 5 s).</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        using var cts = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class EmbeddedLifetime : Microsoft.Extensions.Hosting.IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
