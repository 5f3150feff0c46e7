using Bridge.Yarn.Applications.Masters;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using AmContainerLaunch = Bridge.Yarn.Applications.Masters.ContainerLaunch;

namespace Bridge.Yarn.Client;

/// <summary>How an ApplicationMaster's run ended.</summary>
/// <param name="Finish">The final status and diagnostics it unregistered with.</param>
/// <param name="Heartbeats">Allocate calls made.</param>
/// <param name="Launched">Containers started on NodeManagers.</param>
public sealed record AmRunResult(AmFinish Finish, int Heartbeats, int Launched);

/// <summary>
/// Runs one of the shipped ApplicationMasters' decision cores (<see cref="IApplicationMaster"/>) against a real
/// ResourceManager and NodeManagers, as Hadoop's AMRMClientAsync and NMClientAsync do for a hand-written AM: register;
/// then allocate every <paramref name="interval"/> (every <see cref="WaitingInterval"/> while asks are outstanding, at
/// once again while containers keep arriving or completing),
/// feeding allocated and completed containers to the core and starting the containers it launches (a heartbeat's
/// launches concurrently), each with its
/// argv quoted for the NodeManager's <c>bash -c</c>; a start that fails goes back to the core; finally unregister
/// with the core's final status.
/// </summary>
/// <param name="rm">The AM's ResourceManager client.</param>
/// <param name="nm">The NodeManagers' client.</param>
/// <param name="time">The clock for the heartbeat interval.</param>
/// <param name="interval">Between allocate calls when nothing happened (Hadoop's AM default is 1 s; 200 ms default here: the
/// cluster is local and a container's start waits on it).</param>
public sealed class ApplicationMasterRunner(AmRmClient rm, NmClient nm, TimeProvider time, TimeSpan? interval = null)
{
    /// <summary>Between allocate calls while containers are asked for and not allocated (50 ms): fine-grained scaling
    /// allocates the moment an offer arrives, and the container waits for this AM to hear of it.</summary>
    public static readonly TimeSpan WaitingInterval = TimeSpan.FromMilliseconds(50);

    private readonly TimeSpan _interval = interval ?? TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<ContainerId, ContainerProto> _granted = new();
    private readonly AllocateBatch _batch = new();
    private int _launched;

    /// <summary>Runs <paramref name="master"/> until it finishes (or <paramref name="cancellationToken"/> fires, which kills it
    /// and still unregisters).</summary>
    /// <param name="master">The decision core.</param>
    /// <param name="host">This AM's host (registered; shown in the application's report).</param>
    /// <param name="trackingUrl">Where the AM's progress can be seen, or empty.</param>
    /// <param name="cancellationToken">Stops the run: the core is killed and unregisters KILLED.</param>
    /// <exception cref="Bridge.Rpc.RpcException">The ResourceManager refused a call the AM cannot recover from.</exception>
    public async Task<AmRunResult> RunAsync(IApplicationMaster master, string host, string trackingUrl, CancellationToken cancellationToken = default)
    {
        var (maximum, queue) = await rm.RegisterAsync(host, trackingUrl, CancellationToken.None);
        await ApplyAsync(master, master.Registered(new AmRegistration(maximum, queue), time.GetUtcNow()));
        var heartbeats = 0;
        while (master.Finish is null)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await ApplyAsync(master, master.Kill("The ApplicationMaster was stopped", time.GetUtcNow()));
                if (master.Finish is not null) break;
            }
            var (asks, releases) = _batch.Take();
            var result = await rm.AllocateAsync(asks, releases, master.Progress, CancellationToken.None);
            heartbeats++;
            if (result.Resynced)
                await ApplyAsync(master, master.Registered(new AmRegistration(maximum, queue, result.Headroom), time.GetUtcNow()));
            var allocated = new List<Container>(result.Allocated.Count);
            foreach (var proto in result.Allocated)
            {
                var c = proto.ToRecord("allocated_containers");
                _granted[c.Id] = proto;
                allocated.Add(c);
            }
            foreach (var done in result.Completed) _granted.Remove(done.ContainerId);
            await ApplyAsync(master, master.Heartbeat(new AmHeartbeat(allocated, result.Completed, result.Headroom), time.GetUtcNow()));
            if (master.Finish is not null) break;
            if (allocated.Count == 0 && result.Completed.Count == 0 && _batch.IsEmpty)
            {
                try
                {
                    await Task.Delay(master.OutstandingAsks > 0 ? WaitingInterval : _interval, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        var finish = master.Finish!;
        await rm.FinishAsync(finish.Status, finish.Diagnostics, CancellationToken.None);
        return new AmRunResult(finish, heartbeats, _launched);
    }

    private async Task ApplyAsync(IApplicationMaster master, AmDecisions decisions)
    {
        var pending = new Queue<AmDecisions>([decisions]);
        while (pending.TryDequeue(out var d))
        {
            _batch.Add(d);
            // All of a heartbeat's launches at once, as NMClientAsync's thread pool does: one slow NodeManager (or one
            // slow start) does not hold the others back.
            var starts = d.Launches.Select(async launch => (launch, failure: _granted.TryGetValue(launch.Container.Id, out var proto)
                ? await nm.StartAsync(proto, ToContext(launch))
                : $"container {launch.Container.Id} was not allocated to this attempt")).ToList();
            foreach (var (launch, failure) in await Task.WhenAll(starts))
            {
                if (failure is null) _launched++;
                else pending.Enqueue(master.LaunchFailed(launch.Container.Id, failure, time.GetUtcNow()));
            }
        }
    }

    /// <summary>The launch context of a core's launch: its argv quoted into one shell command, its environment, its
    /// local files as FILE resources (size and timestamp not checked).</summary>
    public static ContainerLaunchContext ToContext(AmContainerLaunch launch)
    {
        var resources = launch.Spec.LocalResources.ToDictionary(r => r.Key,
            r => new LocalResource(new Uri(Path.GetFullPath(r.Value)), LocalResourceType.File, LocalResourceVisibility.Application, -1, -1));
        return new ContainerLaunchContext([string.Join(' ', launch.Spec.Command.Select(ShellQuote))], launch.Spec.Environment, resources);
    }

    /// <summary>One word for <c>bash -c</c>: unchanged when it is only safe characters, else single-quoted.</summary>
    public static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
