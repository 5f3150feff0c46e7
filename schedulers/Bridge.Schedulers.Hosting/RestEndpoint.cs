using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Schedulers.Hosting;

/// <summary>A scheduler's REST API on Kestrel: one HTTP/1.1 endpoint with routing, the endpoints mapped by the caller.</summary>
public sealed class RestEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RestEndpoint(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public Uri Address { get; }

    /// <summary>Starts serving on <paramref name="endpoint"/> (port 0 picks a free one) what <paramref name="map"/> maps.</summary>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    public static async Task<RestEndpoint> StartAsync(IPEndPoint endpoint, ILoggerFactory loggerFactory, Action<WebApplication> map,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRouting();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint);
        });
        var app = builder.Build();
        app.UseRouting();
        map(app);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RestEndpoint(app, new Uri(address));
    }

    /// <summary>Stops serving.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
