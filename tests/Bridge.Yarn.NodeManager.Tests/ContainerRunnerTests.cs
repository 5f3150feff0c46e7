using System.Formats.Tar;
using System.IO.Compression;
using Bridge.Kernel.Agent.Containers;
using Bridge.Kernel.Agent.Fetching;
using Bridge.Yarn.NodeManager.Containers;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.NodeManager.Tests;

/// <summary>Real container processes, started in cgroups by the kernel agent's Containerizer.</summary>
public sealed class ContainerRunnerTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _root = Directory.CreateTempSubdirectory("bridge-nm-").FullName;
    private readonly HttpClient _http = new();
    private readonly UriFetcher _fetcher;
    private readonly ContainerRunner _runner;
    private readonly IIsolator _isolator;
    private readonly long _cluster = Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999); // ids unique across concurrent tests
    private int _next;

    public ContainerRunnerTests()
    {
        _isolator = Containerizer.DetectIsolator($"yarn-test-{Guid.NewGuid():N}");
        var containerizer = new Containerizer(_isolator, Path.Combine(_root, "run"), TimeProvider.System, TimeSpan.FromMilliseconds(100));
        _fetcher = new UriFetcher(Path.Combine(_root, "cache"), _http);
        _runner = new ContainerRunner(containerizer, _fetcher, new NodeLayout(new NodeId("agent-1", 45454), 8042,
            Path.Combine(_root, "local"), Path.Combine(_root, "logs"), new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }));
    }

    public void Dispose()
    {
        _isolator.Release();
        _fetcher.Dispose();
        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private ContainerLaunch Launch(string command, Resource? resource = null, Dictionary<string, LocalResource>? resources = null) =>
        new(ContainerId.Parse($"container_{_cluster}_0001_01_{++_next:000000}"), resource ?? new Resource(256, 1), "hadoop",
            new ContainerLaunchContext([command], new Dictionary<string, string> { ["GREETING"] = "hello" }, resources ?? []));

    private async Task<(ContainerEnd End, string WorkDir)> RunAsync(ContainerLaunch launch)
    {
        var running = new TaskCompletionSource();
        var handle = _runner.Start(launch, _ => running.TrySetResult());
        var end = await handle.Ended.WaitAsync(Deadline);
        return (end, handle.Plan?.WorkDir ?? "");
    }

    [Fact]
    public async Task A_container_runs_in_its_working_directory_with_the_NodeManagers_variables()
    {
        var (end, workDir) = await RunAsync(Launch("echo \"$GREETING $CONTAINER_ID $NM_HOST:$NM_PORT\" > out.txt; pwd >> out.txt; echo to-stdout"));
        Assert.Equal(new ContainerEnd(0, false, null), end);
        var lines = File.ReadAllLines(Path.Combine(workDir, "out.txt"));
        Assert.Equal($"hello container_{_cluster}_0001_01_000001 agent-1:45454", lines[0]);
        Assert.Equal(workDir, lines[1]);
        Assert.Equal("to-stdout\n", File.ReadAllText(Path.Combine(workDir, "stdout")));
    }

    [Fact]
    public async Task The_process_exit_code_is_reported()
    {
        var (end, _) = await RunAsync(Launch("exit 7"));
        Assert.Equal(7, end.ExitCode);
        Assert.Null(end.LaunchFailure);
    }

    [Fact]
    public async Task FILE_resources_land_under_their_name_and_ARCHIVE_resources_are_unpacked_into_a_directory_of_that_name()
    {
        var source = Path.Combine(_root, "input.txt");
        await File.WriteAllTextAsync(source, "the quick brown fox\n");
        var archive = Path.Combine(_root, "bundle.tar.gz");
        var staging = Directory.CreateDirectory(Path.Combine(_root, "staging")).FullName;
        await File.WriteAllTextAsync(Path.Combine(staging, "inner.txt"), "from the archive\n");
        await using (var gz = new GZipStream(File.Create(archive), CompressionLevel.Fastest))
            await TarFile.CreateFromDirectoryAsync(staging, gz, includeBaseDirectory: false);
        var info = new FileInfo(source);
        var launch = Launch("cat words.txt bundle/inner.txt > out.txt", resources: new()
        {
            ["words.txt"] = new LocalResource(new Uri(source), LocalResourceType.File, LocalResourceVisibility.Application, info.Length,
                new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds()),
            ["bundle"] = new LocalResource(new Uri("file://" + archive), LocalResourceType.Archive, LocalResourceVisibility.Public, -1, -1),
        });
        var (end, workDir) = await RunAsync(launch);
        Assert.Equal(0, end.ExitCode);
        Assert.Equal("the quick brown fox\nfrom the archive\n", await File.ReadAllTextAsync(Path.Combine(workDir, "out.txt")));
    }

    [Fact]
    public async Task A_resource_changed_since_submission_fails_the_launch_as_Hadoop_does()
    {
        var source = Path.Combine(_root, "input.txt");
        await File.WriteAllTextAsync(source, "x");
        var (end, _) = await RunAsync(Launch("true", resources: new()
        {
            ["input.txt"] = new LocalResource(new Uri(source), LocalResourceType.File, LocalResourceVisibility.Application, 1, Timestamp: 12345),
        }));
        Assert.Equal(-1, end.ExitCode);
        Assert.Contains("changed on src filesystem (expected 12345", end.LaunchFailure);
    }

    [Fact]
    public async Task A_missing_resource_fails_the_launch_naming_it()
    {
        var (end, _) = await RunAsync(Launch("true", resources: new()
        {
            ["x"] = new LocalResource(new Uri("file:///no/such/file"), LocalResourceType.File, LocalResourceVisibility.Application, -1, -1),
        }));
        Assert.Contains("/no/such/file", end.LaunchFailure);
    }

    [Fact]
    public async Task An_invalid_launch_context_ends_the_container_at_once_with_the_reason()
    {
        var bad = Launch("true") with { Context = ContainerLaunchContext.Empty };
        var (end, _) = await RunAsync(bad);
        Assert.Contains("commands", end.LaunchFailure);
    }

    [Fact]
    public async Task A_stop_kills_the_whole_process_tree_with_SIGTERM()
    {
        var started = new TaskCompletionSource();
        var handle = _runner.Start(Launch("sleep 300 & sleep 300; wait"), _ => started.TrySetResult());
        await started.Task.WaitAsync(Deadline);
        await WaitForAsync(() => ProcessCount(handle) == 2); // both sleeps run: the TERM reaches the command, not only its supervisor
        await _runner.StopAsync(handle, TimeSpan.FromSeconds(5));
        var end = await handle.Ended.WaitAsync(Deadline);
        Assert.Equal(128 + 15, end.ExitCode);
    }

    [Fact]
    public async Task A_stop_before_the_command_started_ends_it_at_once_with_SIGTERMs_status()
    {
        var handle = _runner.Start(Launch("sleep 300"), _ => { });
        await _runner.StopAsync(handle, TimeSpan.FromMinutes(5));
        var end = await handle.Ended.WaitAsync(Deadline);
        Assert.True(end.ExitCode is 143 or -1, $"exit {end.ExitCode}");
    }

    private static int ProcessCount(RunningContainer handle) =>
        Directory.GetDirectories("/proc").Count(d => File.Exists(Path.Combine(d, "cmdline")) && SafeRead(Path.Combine(d, "cmdline")).StartsWith("sleep\0300", StringComparison.Ordinal)
            && SafeRead(Path.Combine(d, "environ")).Contains("CONTAINER_ID=" + handle.Id, StringComparison.Ordinal));

    private static string SafeRead(string path)
    {
        try { return File.ReadAllText(path); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("condition not met in time");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task The_containers_memory_is_limited_by_its_cgroup()
    {
        Assert.StartsWith("cgroups", _isolator.Name); // this machine has cgroups (ENVIRONMENT.md); the posix fallback has its own tests in the kernel
        var (end, _) = await RunAsync(Launch("python3 -c 'b = bytearray(400 * 1024 * 1024); print(len(b))'", new Resource(64, 1)));
        Assert.True(end.MemoryLimitExceeded, $"exit {end.ExitCode}");
    }
}
