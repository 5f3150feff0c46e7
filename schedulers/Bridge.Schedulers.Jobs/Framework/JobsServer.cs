using System.Net;
using Bridge.Schedulers.Jobs.Api;
using Bridge.Schedulers.Hosting;

namespace Bridge.Schedulers.Jobs.Framework;

/// <summary>
/// The jobs scheduler as it runs: the framework on the kernel (<see cref="JobsFramework"/>) and
/// Chronos' REST API over it (<see cref="ChronosApi"/>) on one HTTP/1.1 endpoint (Chronos' port is
/// 4400).
/// </summary>
public sealed class JobsServer : IAsyncDisposable
{
    private readonly RestEndpoint _rest;

    private JobsServer(JobsFramework framework, RestEndpoint rest)
    {
        Framework = framework;
        _rest = rest;
    }

    /// <summary>The scheduler.</summary>
    public JobsFramework Framework { get; }

    /// <summary>Where the REST API listens, e.g. <c>http://127.0.0.1:4400</c>.</summary>
    public Uri Address => _rest.Address;

    /// <summary>Starts the scheduler with <paramref name="options"/> and its REST API on <paramref name="endpoint"/> (port 0 picks a free one).</summary>
    /// <exception cref="InvalidOperationException">The state cannot be opened (see <see cref="JobsFramework.Start"/>).</exception>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    public static async Task<JobsServer> StartAsync(JobsOptions options, IPEndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var framework = JobsFramework.Start(options);
        try
        {
            var rest = await RestEndpoint.StartAsync(endpoint, options.LoggerFactory, rest => ChronosApi.Map(rest, framework, new ChronosApiOptions { TimeProvider = options.TimeProvider }), cancellationToken);
            return new JobsServer(framework, rest);
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
