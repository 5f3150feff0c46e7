using System.Net;
using Bridge.Schedulers.Hosting;
using Bridge.Yarn.Cluster;

namespace Bridge.Yarn.Hosting;

/// <summary>
/// The YARN bridge as it runs: the framework (<see cref="YarnBridgeFramework"/>) and Myriad's REST API over it
/// (<see cref="MyriadRestApi"/>) on one HTTP/1.1 endpoint, Myriad's 127.0.0.1:8192 by default.
/// </summary>
public sealed class YarnBridgeServer : IAsyncDisposable
{
    /// <summary>Myriad's REST port.</summary>
    public const int DefaultPort = 8192;

    private readonly RestEndpoint _rest;

    private YarnBridgeServer(YarnBridgeFramework framework, RestEndpoint rest)
    {
        Framework = framework;
        _rest = rest;
    }

    /// <summary>The bridge.</summary>
    public YarnBridgeFramework Framework { get; }

    /// <summary>Where the REST API listens, e.g. <c>http://127.0.0.1:8192</c>.</summary>
    public Uri Address => _rest.Address;

    /// <summary>Starts the bridge with <paramref name="options"/> over <paramref name="yarn"/>, and its REST API on
    /// <paramref name="endpoint"/> (port 0 picks a free one).</summary>
    /// <exception cref="InvalidOperationException">The state cannot be opened (see <see cref="YarnBridgeFramework.Start"/>).</exception>
    /// <exception cref="ArgumentException">The core's options are invalid.</exception>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    public static async Task<YarnBridgeServer> StartAsync(YarnBridgeFrameworkOptions options, IYarnCluster yarn, IPEndPoint endpoint,
        CancellationToken cancellationToken = default)
    {
        var framework = YarnBridgeFramework.Start(options, yarn);
        try
        {
            var port = endpoint.Port;
            var rest = await RestEndpoint.StartAsync(endpoint, options.LoggerFactory, app => MyriadRestApi.Map(app, framework, () => port), cancellationToken);
            port = rest.Address.Port;
            return new YarnBridgeServer(framework, rest);
        }
        catch
        {
            await framework.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the REST API, then the bridge (its NodeManagers keep running for the failover timeout).</summary>
    public async ValueTask DisposeAsync()
    {
        await _rest.DisposeAsync();
        await Framework.DisposeAsync();
    }
}
