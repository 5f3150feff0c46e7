using System.Net;
using Bridge.Schedulers.Services.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Schedulers.Services.Framework;

/// <summary>
/// The services scheduler as it runs: the framework on the kernel (<see cref="ServicesFramework"/>)
/// and Marathon's REST API over it (<see cref="MarathonApi"/>) on one HTTP/1.1 endpoint (Marathon's
/// port is 8080).
/// </summary>
public sealed class ServicesServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServicesServer(ServicesFramework framework, WebApplication app, Uri address)
    {
        Framework = framework;
        _app = app;
        Address = address;
    }

    /// <summary>The scheduler.</summary>
    public ServicesFramework Framework { get; }

    /// <summary>Where the REST API listens, e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public Uri Address { get; }

    /// <summary>Starts the scheduler with <paramref name="options"/> and its REST API on <paramref name="endpoint"/> (port 0 picks a free one).</summary>
    /// <exception cref="InvalidOperationException">The state cannot be opened (see <see cref="ServicesFramework.Start"/>).</exception>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    public static async Task<ServicesServer> StartAsync(ServicesOptions options, IPEndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var framework = ServicesFramework.Start(options);
        try
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(options.LoggerFactory);
            builder.Services.AddRouting();
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(endpoint);
            });
            var app = builder.Build();
            app.UseRouting();
            MarathonApi.Map(app, framework, new MarathonApiOptions { TimeProvider = options.TimeProvider, AppJson = new() { DefaultRole = options.Role } });
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new ServicesServer(framework, app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        }
        catch
        {
            await framework.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the REST API, then the scheduler (its tasks keep running; see <see cref="ServicesFramework.DisposeAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Framework.DisposeAsync();
    }
}
