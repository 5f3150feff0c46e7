using Bridge.Testing;
using Bridge.Yarn.Applications.WordCount;
using Bridge.Yarn.Client;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Yarn.Hosting.Tests;

/// <summary>
/// Word count as a YARN application on the shared pool, with fine-grained scaling: three agents, a zero-profile
/// NodeManager on each (registered with no capacity), offers turned into NodeManager capacity, every YARN container
/// backed by a placeholder task the master accounts to the role <c>yarn</c>, and all of it given back at the end.
/// </summary>
public class WordCountOnPoolTests
{
    [Fact]
    public async Task WordCount_RunsOnZeroProfileNodeManagers_PlaceholdersFinish_AndYarnsShareFallsBackToTheNodeManagers()
    {
        await using var cluster = await YarnCluster.StartAsync();
        await cluster.WaitForNodeManagersAsync(3);
        var rmMetrics = (await cluster.RmJsonAsync("/ws/v1/cluster/metrics"))["clusterMetrics"]!;
        Assert.Equal(0, (int)rmMetrics["totalMB"]!); // fine-grained: no capacity until offers come
        var idle = (Cpus: 3 * (0.2 + 0.1), Mem: 3 * (256.0 + 128)); // the NodeManagers' and executors' own share
        await cluster.WaitForRoleAllocatedAsync("yarn", idle, "YARN's share to be its NodeManagers' own");

        var root = Path.Combine(cluster.WorkDir, "job");
        var input = Directory.CreateDirectory(Path.Combine(root, "input")).FullName;
        var words = new[] { "the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog" };
        for (var f = 0; f < 6; f++)
            await File.WriteAllLinesAsync(Path.Combine(input, $"part-{f}.txt"), Enumerable.Range(0, 200).Select(i => string.Join(' ', words.Skip(i % 3))));
        var output = Path.Combine(root, "output");
        Assert.True(WordCountJob.TryPrepare(new WordCountJobOptions(input, output, Reduces: 2), Path.Combine(root, "jobdir"),
            new() { MapMemoryMb = 1024, ReduceMemoryMb = 1024 }, out _, out var error), error);
        var command = string.Join(' ', new[] { YarnCluster.ExecutorCommand().Value, BridgeProgram.Dll(), "yarn", "am", "wordcount", "--job-dir", Path.Combine(root, "jobdir") }
            .Select(ApplicationMasterRunner.ShellQuote)) + " 1><LOG_DIR>/am.stdout 2><LOG_DIR>/am.stderr";

        using var client = new YarnClient(cluster.ResourceManager.Address);
        var app = await client.SubmitAsync(new YarnSubmission("word count", "MAPREDUCE", "default", new Resource(1024, 1),
            new ContainerLaunchContext([command], new Dictionary<string, string>(), new Dictionary<string, LocalResource>())));
        var sawPlaceholders = false;
        var report = await client.WaitAsync(app, TimeSpan.FromMilliseconds(200), _ =>
        {
            // Watched from outside the loop: the master accounting YARN's containers while the job runs.
            if (!sawPlaceholders) sawPlaceholders = cluster.MasterTasksAsync("yarn_").GetAwaiter().GetResult().Count > 0;
        }).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(report.YarnApplicationState == YarnApplicationStateProto.Finished, $"{report.YarnApplicationState}: {report.Diagnostics}");
        Assert.Equal(FinalApplicationStatusProto.AppSucceeded, report.FinalApplicationStatus);
        Assert.True(sawPlaceholders, "no placeholder task was seen in the master while the job ran");
        var counts = Directory.GetFiles(output, "part-r-*").SelectMany(File.ReadAllLines).Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        var expected = Enumerable.Range(0, 6 * 200).SelectMany(i => words.Skip(i % 200 % 3)).GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), counts.OrderBy(p => p.Key, StringComparer.Ordinal));

        // Every placeholder ends and YARN's share falls back to what the NodeManagers themselves hold.
        await Wait.UntilAsync(async () => (await cluster.MasterTasksAsync("yarn_")).Count == 0, "placeholder tasks to end", TimeSpan.FromSeconds(30));
        await cluster.WaitForRoleAllocatedAsync("yarn", idle, "YARN's share to fall back", TimeSpan.FromSeconds(30));
        Assert.Empty((await cluster.BridgeJsonAsync("/api/state"))["placeholderTasks"]!.AsArray());
        Assert.Equal(0, (int)(await cluster.RmJsonAsync("/ws/v1/cluster/metrics"))["clusterMetrics"]!["totalMB"]!);
    }
}
