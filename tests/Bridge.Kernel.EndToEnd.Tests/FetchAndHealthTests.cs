using System.Formats.Tar;
using System.IO.Compression;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>The command executor's URI fetcher and health checks, on a real agent.</summary>
public class FetchAndHealthTests
{
    [Fact]
    public async Task Task_WithATarGzUri_RunsWhatWasFetchedAndExtracted()
    {
        await using var cluster = await Cluster.StartAsync();
        var archive = Path.Combine(cluster.WorkDir, "tool.tar.gz");
        Directory.CreateDirectory(cluster.WorkDir);
        await using (var file = File.Create(archive))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        await using (var tar = new TarWriter(gzip))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "tool/hello.sh")
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                DataStream = new MemoryStream("#!/bin/sh\necho fetched and extracted\n"u8.ToArray()),
            };
            await tar.WriteEntryAsync(entry);
        }
        await using var framework = await Framework.StartAsync(cluster);
        var task = Framework.Command("fetching", "./tool/hello.sh");
        task.Command.Uris.Add(new CommandInfo.Types.URI { Value = archive });
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [task]);

        await framework.Scheduler.WaitForAsync("fetching", TaskState.TaskFinished);
        var sandbox = Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", framework.Driver.FrameworkId!.Value, "fetching");
        Assert.Equal("fetched and extracted\n", await File.ReadAllTextAsync(Path.Combine(sandbox, "stdout")));
    }

    [Fact]
    public async Task Task_WithAMissingUri_FailsToLaunch_NamingTheUri()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster);
        var task = Framework.Command("unfetchable", "true");
        task.Command.Uris.Add(new CommandInfo.Types.URI { Value = "/nonexistent/bridge-artifact.tar.gz" });
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [task]);

        var failed = await framework.Scheduler.WaitForAsync("unfetchable", TaskState.TaskFailed);
        Assert.Equal(TaskStatus.Types.Reason.ContainerLaunchFailed, failed.Reason);
        Assert.Contains("/nonexistent/bridge-artifact.tar.gz", failed.Message);
    }

    [Fact]
    public async Task CommandHealthCheck_ReportsHealthy_ThenKillsTheTaskWhenItFails()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var framework = await Framework.StartAsync(cluster);
        var task = Framework.Command("checked", "touch healthy; exec sleep 600");
        task.HealthCheck = new HealthCheck
        {
            Type = HealthCheck.Types.Type.Command, Command = new CommandInfo { Value = "test -f healthy" },
            DelaySeconds = 0, IntervalSeconds = 0.2, TimeoutSeconds = 5, GracePeriodSeconds = 0, ConsecutiveFailures = 2,
        };
        var offer = await framework.Scheduler.NextOfferAsync();
        await framework.Driver.LaunchAsync(offer, [task]);

        var healthy = await framework.Scheduler.WaitForAsync(s => s.TaskId.Value == "checked" && s.State == TaskState.TaskRunning && s.HasHealthy && s.Healthy);
        Assert.Equal(TaskStatus.Types.Reason.TaskHealthCheckStatusUpdated, healthy.Reason);
        File.Delete(Path.Combine(cluster.Agents[0].Agent.WorkDir, "sandboxes", framework.Driver.FrameworkId!.Value, "checked", "healthy"));

        var killed = await framework.Scheduler.WaitForAsync("checked", TaskState.TaskKilled);
        Assert.False(killed.Healthy);
        Assert.StartsWith("Killed after failing its health check", killed.Message);
    }
}
