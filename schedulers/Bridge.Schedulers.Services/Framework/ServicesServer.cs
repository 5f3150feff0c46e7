using System.Net;
using Bridge.Schedulers.Services.Api;
using Bridge.Schedulers.Hosting;

namespace Bridge.Schedulers.Services.Framework;

/// <summary>
/// The services scheduler as it runs: the framework on the kernel (<see cref="ServicesFramework"/>)
/// and Marathon's REST API over it (<see cref="MarathonApi"/>) on one HTTP/1.1 endpoint (Marathon's
/// port is 8080).
/// </summary>
public sealed class ServicesServer : IAsyncDisposable
{
    private readonly RestEndpoint _rest;

    private ServicesServer(ServicesFramework framework, RestEndpoint rest)
    {
        Framework = framework;
        _rest = rest;
    }

    /// <summary>The scheduler.</summary>
    public ServicesFramework Framework { get; }

    /// <summary>Where the REST API listens, e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public Uri Address => _rest.Address;

    /// <summary>Starts the scheduler with <paramref name="options"/> and its REST API on <paramref name="endpoint"/> (port 0 picks a free one).</summary>
    /// <exception cref="InvalidOperationException">The state cannot be opened (see <see cref="ServicesFramework.Start"/>).</exception>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    public static async Task<ServicesServer> StartAsync(ServicesOptions options, IPEndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var framework = ServicesFramework.Start(options);
        try
        {
            var rest = await RestEndpoint.StartAsync(endpoint, options.LoggerFactory, rest => MarathonApi.Map(rest, framework, new MarathonApiOptions { TimeProvider = options.TimeProvider, AppJson = new() { DefaultRole = options.Role } }), cancellationToken);
            return new ServicesServer(framework, rest);
        }
        catch
        {
            await framework.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the REST API, then the scheduler (its tasks keep running: the master keeps them for the failover timeout).</summary>
    public async ValueTask DisposeAsync()
    {
        await _rest.DisposeAsync();
        await Framework.DisposeAsync();
    }
}
