using System.Net;
using System.Net.Sockets;
using Bridge.Testing;
using Bridge.Yarn.Applications.WordCount;
using Bridge.Yarn.Client;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Server;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.NodeManager.Tests;

/// <summary>
/// Word count as a real YARN application: the embedded ResourceManager and two of our NodeManagers over gRPC, the AM
/// container running <c>bridge yarn am wordcount</c>, map and reduce containers running <c>bridge yarn task</c>, all
/// real processes in cgroups.
/// </summary>
public sealed class WordCountOnYarnTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("bridge-yarn-wc-").FullName;
    private readonly List<IAsyncDisposable> _stack = [];

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 runs a test class's cleanup through IAsyncLifetime; an IAsyncDisposable class is not disposed here.
    public async Task DisposeAsync()
    {
        for (var i = _stack.Count - 1; i >= 0; i--) await _stack[i].DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Word_count_runs_to_FINISHED_SUCCEEDED_with_Hadoops_counts()
    {
        var rm = await ResourceManagerServer.StartAsync(new ResourceManagerServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), TickInterval = TimeSpan.FromMilliseconds(200) });
        _stack.Add(rm);
        var nodes = new List<NodeManagerServer>();
        for (var i = 0; i < 2; i++)
        {
            var port = FreePort();
            var nm = await NodeManagerServer.StartAsync(new NodeManagerServerOptions
            {
                NodeManager = new NodeManagerOptions { NodeId = new NodeId("127.0.0.1", port), Capability = new Resource(4096, 4), HeartbeatInterval = TimeSpan.FromMilliseconds(100) },
                ResourceManager = rm.Address,
                WorkDir = Path.Combine(_root, $"nm{i}"),
            });
            _stack.Add(nm);
            nodes.Add(nm);
        }
        foreach (var nm in nodes) await nm.Registered.WaitAsync(TimeSpan.FromSeconds(30));

        var input = Directory.CreateDirectory(Path.Combine(_root, "input")).FullName;
        await File.WriteAllTextAsync(Path.Combine(input, "a.txt"), "the quick brown fox\njumps over the lazy dog\n");
        Directory.CreateDirectory(Path.Combine(input, "sub"));
        await File.WriteAllTextAsync(Path.Combine(input, "sub", "b.txt"), "The dog\tbarks\fthe end\r\n");
        var output = Path.Combine(_root, "output");
        var jobDir = Path.Combine(_root, "job");
        Assert.True(WordCountJob.TryPrepare(new WordCountJobOptions(input, output, Reduces: 2, SplitSizeBytes: 16), jobDir,
            new() { MapMemoryMb = 256, ReduceMemoryMb = 256 }, out _, out var error), error);

        var command = string.Join(' ', new[] { Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet", BridgeProgram.Dll(), "yarn", "am", "wordcount", "--job-dir", jobDir }
            .Select(ApplicationMasterRunner.ShellQuote)) + " 1><LOG_DIR>/am.stdout 2><LOG_DIR>/am.stderr";
        using var client = new YarnClient(rm.Address);
        var app = await client.SubmitAsync(new YarnSubmission("word count", "MAPREDUCE", "default", new Resource(512, 1),
            new ContainerLaunchContext([command], new Dictionary<string, string>(), new Dictionary<string, LocalResource>())));
        var report = await client.WaitAsync(app, TimeSpan.FromMilliseconds(200)).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(report.YarnApplicationState == YarnApplicationStateProto.Finished, $"{report.YarnApplicationState}: {report.Diagnostics}");
        Assert.Equal(FinalApplicationStatusProto.AppSucceeded, report.FinalApplicationStatus);
        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")));
        var counts = Directory.GetFiles(output, "part-r-*").Order(StringComparer.Ordinal).SelectMany(File.ReadAllLines)
            .Select(l => l.Split('\t')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, Directory.GetFiles(output, "part-r-*").Length);
        var expected = new[] { "the quick brown fox jumps over the lazy dog", "The dog barks the end" }
            .SelectMany(l => l.Split(' ')).GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), counts.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
