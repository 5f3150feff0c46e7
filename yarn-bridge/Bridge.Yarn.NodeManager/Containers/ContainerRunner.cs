using System.ComponentModel;
using Bridge.Kernel.Agent.Containers;
using Bridge.Kernel.Agent.Fetching;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;
using KernelContainer = Bridge.Kernel.Agent.Containers.Container;

namespace Bridge.Yarn.NodeManager.Containers;

/// <summary>How a container's run ended.</summary>
/// <param name="ExitCode">The process's exit code (128 + N for signal N), or -1 when it never ran or is not known.</param>
/// <param name="MemoryLimitExceeded">Its cgroup's memory limit killed it.</param>
/// <param name="LaunchFailure">Why it never started (bad launch context, a resource that could not be fetched), else null.</param>
public sealed record ContainerEnd(int ExitCode, bool MemoryLimitExceeded, string? LaunchFailure);

/// <summary>One container being localised or running. <see cref="Ended"/> completes once, with how it ended.</summary>
public sealed class RunningContainer
{
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private KernelContainer? _process;
    private TimeSpan? _stopGrace;

    internal RunningContainer(ContainerId id) => Id = id;

    /// <summary>The container.</summary>
    public ContainerId Id { get; }

    /// <summary>Completes when the container has ended and its cgroup is gone.</summary>
    public Task<ContainerEnd> Ended { get; internal set; } = Task.FromResult(new ContainerEnd(-1, false, "not started"));

    /// <summary>The launch plan (directories, environment), once worked out.</summary>
    public LaunchPlan? Plan { get; internal set; }

    internal CancellationToken Stopping => _stop.Token;

    /// <summary>Records the started process; returns the grace of a stop asked for meanwhile (then the caller kills it), else null.</summary>
    internal TimeSpan? Started(KernelContainer process)
    {
        lock (_gate)
        {
            _process = process;
            return _stopGrace;
        }
    }

    /// <summary>Marks the container stopping; returns its process when one has started (to be killed), else null.</summary>
    internal KernelContainer? RequestStop(TimeSpan grace)
    {
        lock (_gate)
        {
            _stopGrace ??= grace;
            _stop.Cancel();
            return _process;
        }
    }
}

/// <summary>
/// Runs YARN containers as real processes: localises each container's resources into its working directory (the
/// kernel agent's <see cref="UriFetcher"/>: FILE resources under their name, ARCHIVE resources unpacked into a
/// directory of that name; local files' size and timestamp checked as Hadoop's FSDownload does), then starts
/// <c>/bin/bash -c COMMANDS</c> in a container of the kernel agent's <see cref="Containerizer"/>: its own cgroup
/// with the container's vcores as cpus and its MB as the memory limit, <c>stdout</c>/<c>stderr</c> in the working
/// directory, the whole process tree killed on stop (SIGTERM, grace, SIGKILL). Thread-safe; I/O only — the
/// <see cref="ContainerTable"/> decides what the outcome means.
/// </summary>
/// <param name="containerizer">Starts and kills the processes (its isolator gives the cgroups).</param>
/// <param name="fetcher">Localises resources.</param>
/// <param name="node">This NodeManager's layout.</param>
public sealed class ContainerRunner(Containerizer containerizer, UriFetcher fetcher, NodeLayout node)
{
    /// <summary>This NodeManager's layout.</summary>
    public NodeLayout Node => node;

    /// <summary>Starts localising and then running <paramref name="launch"/>; <paramref name="running"/> is called
    /// (on a pool thread) once its process has started.</summary>
    /// <returns>A handle whose <see cref="RunningContainer.Ended"/> completes when it ends; a launch context that is
    /// invalid ends it at once with <see cref="ContainerEnd.LaunchFailure"/> naming the field.</returns>
    public RunningContainer Start(ContainerLaunch launch, Action<ContainerId> running)
    {
        var handle = new RunningContainer(launch.ContainerId);
        handle.Ended = Task.Run(() => RunAsync(launch, handle, running));
        return handle;
    }

    private async Task<ContainerEnd> RunAsync(ContainerLaunch launch, RunningContainer handle, Action<ContainerId> running)
    {
        LaunchPlan plan;
        try
        {
            plan = LaunchPlan.For(launch, node);
        }
        catch (ArgumentException e)
        {
            return new ContainerEnd(-1, false, e.Message);
        }
        handle.Plan = plan;
        try
        {
            Directory.CreateDirectory(plan.WorkDir);
            Directory.CreateDirectory(plan.LogDir);
            foreach (var (name, resource) in launch.Context.LocalResources)
                await LocaliseAsync(name, resource, plan.WorkDir, handle.Stopping);
            handle.Stopping.ThrowIfCancellationRequested();
            var process = containerizer.Launch(new ContainerSpec(launch.ContainerId.ToString(), plan.WorkDir, plan.Argv, plan.Environment,
                new ContainerLimits(launch.Resource.VCores, launch.Resource.MemoryMb)));
            if (handle.Started(process) is { } grace) _ = containerizer.KillAsync(process, grace);
            else running(launch.ContainerId);
            var exit = await process.Exited;
            containerizer.Forget(launch.ContainerId.ToString());
            return new ContainerEnd(exit.Status, exit.MemoryLimitExceeded, null);
        }
        catch (OperationCanceledException)
        {
            return new ContainerEnd(-1, false, null);
        }
        catch (FetchException e)
        {
            return new ContainerEnd(-1, false, $"Failed to download resource {e.Uri}: {e.Reason}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Win32Exception or InvalidDataException)
        {
            return new ContainerEnd(-1, false, e.Message);
        }
    }

    /// <summary>Stops the container: localisation is abandoned, or its processes get SIGTERM and, after
    /// <paramref name="grace"/>, SIGKILL. Returns when the kill has been sent (await <see cref="RunningContainer.Ended"/> for its end).</summary>
    public async Task StopAsync(RunningContainer container, TimeSpan grace)
    {
        if (container.RequestStop(grace) is { } process) await containerizer.KillAsync(process, grace);
    }

    private async Task LocaliseAsync(string name, LocalResource resource, string workDir, CancellationToken cancellationToken)
    {
        var source = resource.Url.IsFile ? resource.Url.LocalPath : resource.Url.AbsoluteUri;
        if (resource.Url.IsFile) CheckUnchanged(source, resource);
        if (resource.Type == LocalResourceType.Archive)
        {
            var into = Path.Combine(workDir, name);
            await fetcher.FetchAsync([new CommandInfo.Types.URI { Value = source, Extract = true, Cache = true, OutputFile = Path.GetFileName(resource.Url.LocalPath) }],
                into, cancellationToken: cancellationToken);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(workDir, name))!);
            await fetcher.FetchAsync([new CommandInfo.Types.URI { Value = source, Extract = false, Cache = true, OutputFile = name }], workDir, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Hadoop's FSDownload refuses a resource whose size or modification time differs from what the
    /// submitter saw: "Resource X changed on src filesystem (expected T, was T2)". -1 means not checked.</summary>
    private static void CheckUnchanged(string path, LocalResource resource)
    {
        if (Directory.Exists(path)) return;
        var info = new FileInfo(path);
        if (!info.Exists) throw new FetchException(resource.Url.ToString(), FetchFailure.NotFound, $"File {path} does not exist");
        if (resource.Timestamp >= 0)
        {
            var actual = new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds();
            if (actual != resource.Timestamp)
                throw new InvalidDataException($"Resource {resource.Url} changed on src filesystem (expected {resource.Timestamp}, was {actual})");
        }
        if (resource.Size >= 0 && info.Length != resource.Size)
            throw new InvalidDataException($"Resource {resource.Url} changed on src filesystem (expected size {resource.Size}, was {info.Length})");
    }
}
