using System.Net;
using Bridge.Kernel.Coordination.Election;
using Bridge.Kernel.Coordination.Etcd;
using Bridge.Kernel.Master.Http;
using Bridge.Kernel.Master.Registry;
using Bridge.Rpc;
using Bridge.Rpc.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Kernel.Master;

/// <summary>Settings of a master that elects its leader in etcd.</summary>
/// <param name="Etcd">The etcd client (the caller owns it).</param>
/// <param name="Root">The key prefix: the election under <c>ROOT/leader/</c>, the registry under <c>ROOT/registry/</c> (default <c>/bridge</c>).</param>
/// <param name="LeaseTtl">The candidates' lease TTL (whole seconds; default 5 s; see <see cref="LeaderElectionOptions.Ttl"/>).</param>
public sealed record MasterElectionOptions(EtcdClient Etcd, string Root = "/bridge", TimeSpan? LeaseTtl = null);

/// <summary>
/// A master serving on one port: the scheduler, agent and operator APIs and the standard health
/// service over gRPC (h2c), and over plain HTTP/1.1 <c>GET /api/v1/state</c> (JSON, see
/// <see cref="StateJson"/>), <c>GET /metrics</c> (Prometheus text format 0.0.4) and
/// <c>GET /health</c>.
/// </summary>
/// <remarks>
/// Alone (<see cref="StartAsync"/>) it always leads. Elected (<see cref="StartElectedAsync"/>) it campaigns in etcd:
/// while it stands by, every gRPC call is answered UNAVAILABLE naming the leader (<see cref="ElectedMaster"/>),
/// <c>/api/v1/state</c> and <c>/metrics</c> redirect to the leader (307) and <c>/health</c> says it does not lead;
/// when elected, it starts a master on the etcd registry (every write guarded by its leadership) and serves; when the
/// leadership is lost, it stops that master at once (its streams end, so agents and frameworks go to the next leader)
/// and campaigns again.
/// </remarks>
public sealed class MasterServer : IAsyncDisposable
{
    private readonly RpcServer _server;
    private readonly CancellationTokenSource _stop = new();
    private Task _election = Task.CompletedTask;

    private MasterServer(ElectedMaster elected, RpcServer server)
    {
        Elected = elected;
        _server = server;
    }

    /// <summary>The leading master of this process.</summary>
    /// <exception cref="RpcException">UNAVAILABLE: this process does not lead (an elected master standing by).</exception>
    public Master Master => Elected.Current;

    /// <summary>Which master serves calls, and who leads.</summary>
    public ElectedMaster Elected { get; }

    /// <summary>Whether this process leads now.</summary>
    public bool IsLeader => Elected.Leading is not null;

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:5050</c>.</summary>
    public Uri Address => _server.Address;

    /// <summary>Starts a lone master on <paramref name="endpoint"/> (port 0 picks a free one).</summary>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    /// <exception cref="RegistryException">The registry cannot be opened or read.</exception>
    public static async Task<MasterServer> StartAsync(MasterOptions options, IPEndPoint endpoint, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        var master = await Master.StartAsync(options, $"{endpoint.Address}:{endpoint.Port}", loggerFactory, cancellationToken);
        var elected = new ElectedMaster(master);
        RpcServer server;
        try
        {
            server = await ServeAsync(options, endpoint, elected, loggerFactory, cancellationToken);
        }
        catch
        {
            await master.DisposeAsync();
            throw;
        }
        await master.Run(() => { master.Info.Address = $"{server.Address.Host}:{server.Address.Port}"; });
        elected.Leader = server.Address.ToString().TrimEnd('/');
        return new MasterServer(elected, server);
    }

    /// <summary>
    /// Starts a master that elects its leader in etcd (<paramref name="election"/>): it serves at once as a standby and
    /// leads when elected (see remarks). The registry is in etcd; <see cref="MasterOptions.WorkDir"/> and
    /// <see cref="MasterOptions.Registry"/> are not used.
    /// </summary>
    /// <exception cref="IOException">The endpoint is in use.</exception>
    public static async Task<MasterServer> StartElectedAsync(MasterOptions options, MasterElectionOptions election, IPEndPoint endpoint,
        ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        var elected = new ElectedMaster();
        var server = new MasterServer(elected, await ServeAsync(options, endpoint, elected, loggerFactory, cancellationToken));
        var log = loggerFactory.CreateLogger<MasterServer>();
        var root = election.Root.TrimEnd('/');
        var leaderElection = new LeaderElection(election.Etcd, root + "/leader", new LeaderElectionOptions
        {
            Ttl = election.LeaseTtl ?? TimeSpan.FromSeconds(5), TimeProvider = options.TimeProvider, Logger = loggerFactory.CreateLogger<LeaderElection>(),
        });
        server._election = Task.WhenAll(
            Task.Run(() => server.CampaignLoopAsync(options, election.Etcd, root, leaderElection, loggerFactory, log)),
            Task.Run(() => server.ObserveLoopAsync(leaderElection)));
        return server;
    }

    private string Self => _server.Address.ToString().TrimEnd('/');

    private async Task ObserveLoopAsync(LeaderElection election)
    {
        try
        {
            await foreach (var leader in election.ObserveAsync(cancellationToken: _stop.Token))
                if (Elected.Leading is null) Elected.Leader = leader?.Value;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task CampaignLoopAsync(MasterOptions options, EtcdClient etcd, string root, LeaderElection election, ILoggerFactory loggerFactory, ILogger log)
    {
        while (!_stop.IsCancellationRequested)
        {
            Leadership? leadership = null;
            try
            {
                leadership = await election.CampaignAsync(Self, _stop.Token);
                var held = leadership;
                var registry = new EtcdRegistry(etcd, root + "/registry", () => held.Guard);
                var master = await Master.StartAsync(options with { Registry = registry, WorkDir = null, MasterId = Guid.NewGuid().ToString("D"), StillLeading = () => held.Holds },
                    $"{_server.Address.Host}:{_server.Address.Port}", loggerFactory, _stop.Token);
                Elected.Leader = Self;
                Elected.Lead(master, () => held.Holds);
                // Stop acting the moment the leadership is lost: refuse calls at once, then stop the master.
                var stepped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await using (held.Lost.Register(() => { Elected.StepDown(); stepped.TrySetResult(); }))
                {
                    log.LogInformation("Elected the leading master at {Address} (etcd key {Key})", Self, held.Key);
                    await stepped.Task.WaitAsync(_stop.Token);
                }
                log.LogWarning("Lost the leadership ({Reason}); stopping this master and campaigning again", held.LostReason);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is EtcdException or RegistryException)
            {
                log.LogWarning("Campaign failed ({Error}); trying again", e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200), options.TimeProvider, CancellationToken.None);
            }
            finally
            {
                if (Elected.StepDown() is { } master) await master.DisposeAsync();
                else if (Elected.Leader == Self) Elected.Leader = null;
                if (leadership is not null) await leadership.DisposeAsync();
            }
        }
    }

    private static async Task<RpcServer> ServeAsync(MasterOptions options, IPEndPoint endpoint, ElectedMaster elected, ILoggerFactory loggerFactory,
        CancellationToken cancellationToken) =>
        await RpcServer.StartAsync(
            new RpcServerOptions { Endpoint = endpoint, LoggerFactory = loggerFactory, TimeProvider = options.TimeProvider },
            [new SchedulerService(elected), new AgentMasterService(elected), new OperatorService(elected), new HealthService()],
            http: app => Http.MasterHttp.Map(app, elected, options), cancellationToken: cancellationToken);

    /// <summary>Stops campaigning (resigning a leadership it holds), stops the master, then stops serving.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _election;
        if (Elected.StepDown() is { } master) await master.DisposeAsync();
        await _server.DisposeAsync();
        _stop.Dispose();
    }
}
