using System.Text.Json;
using Bridge.Kernel;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Tests.Definitions;

public class JobJsonSampleTests
{
    private static JobJsonResult ParseValid(string json)
    {
        var result = JobJson.Parse(json);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result;
    }

    [Fact]
    public void Parse_ChronosScheduledJob_AcceptedWithEpsilonAsStartingDeadline()
    {
        var result = ParseValid(Samples.ChronosScheduledJob);
        var job = result.Definition!;

        Assert.Equal(JobKind.Scheduled, job.Kind);
        Assert.Equal(JobName.Parse("SAMPLE_JOB1"), job.Name);
        Assert.Equal("echo 'FOO' >> /tmp/JOB1_OUT", job.Command);
        Assert.Equal(RepeatingInterval.Parse("R10/2012-10-01T05:52:00Z/PT2S"), job.Schedule);
        Assert.Equal(TimeSpan.FromMinutes(15), job.StartingDeadline);
        Assert.Equal("bob@airbnb.com", job.Owner);
        Assert.True(job.Shell);
        Assert.Equal(2, job.Retries);
        Assert.Equal(ConcurrencyPolicy.Forbid, job.ConcurrencyPolicy);
        Assert.Equal(JobDefaults.Cpus, job.Cpus);
        Assert.Empty(result.Unsupported); // "async": false asks for nothing
        Assert.Null(result.Status);
    }

    [Fact]
    public void Parse_ChronosDependentJob_AcceptedWithStatusAndAsyncListedUnsupported()
    {
        var result = ParseValid(Samples.ChronosDependentJob);
        var job = result.Definition!;

        Assert.Equal(JobKind.Dependent, job.Kind);
        Assert.Equal(["db_export-airbed_hostings", "db_export-airbed_reservation2s"], job.Parents.Select(p => p.Value));
        Assert.Equal(TimeSpan.FromMinutes(30), job.StartingDeadline);
        var unsupported = Assert.Single(result.Unsupported);
        Assert.Equal("async", unsupported.Field);
        Assert.Equal(new JobStatus(100, 0, DateTimeOffset.Parse("2013-03-15T13:02:14.243Z"), null, 0), result.Status);
    }

    [Fact]
    public void Parse_ChronosDockerJob_AcceptedWithContainerUnsupportedAndStringNumbers()
    {
        var result = ParseValid(Samples.ChronosDockerJob);
        var job = result.Definition!;

        Assert.Equal(Scalar.Parse("0.5"), job.Cpus);
        Assert.Equal(Scalar.FromUnits(512), job.MemMb);
        Assert.Equal(JobDefaults.DiskMb, job.DiskMb);
        Assert.Null(job.Schedule!.Repetitions);
        Assert.Empty(job.Fetch);
        var unsupported = Assert.Single(result.Unsupported);
        Assert.Equal("container", unsupported.Field);
        Assert.Contains("containers", unsupported.Reason);
    }

    [Fact]
    public void Parse_ChronosSampleJob_AcceptedWithArgumentsFetchAndEnvironment()
    {
        var result = ParseValid(Samples.ChronosSampleJob);
        var job = result.Definition!;

        Assert.False(job.Shell);
        Assert.Equal(["-verbose", "-debug"], job.Arguments);
        Assert.Equal(Scalar.FromUnits(1), job.Cpus);
        Assert.Equal(Scalar.FromUnits(10240), job.DiskMb);
        Assert.Equal(Scalar.FromUnits(1024), job.MemMb);
        Assert.Equal([new FetchUri("https://url-to-file", Executable: false, Cache: false, Extract: false)], job.Fetch);
        Assert.Equal(
            [new EnvironmentVariable("JVMOPTS", "-Xmx1000m"), new EnvironmentVariable("JAVA_LIBRARY_PATH", "/usr/local/lib")],
            job.EnvironmentVariables);
        Assert.Empty(result.Unsupported); // executor "" and async false ask for nothing
        Assert.Equal(190, result.Status!.SuccessCount);
        Assert.Equal(3, result.Status.ErrorCount);
        Assert.Equal(DateTimeOffset.Parse("2014-03-01T00:10:15.957Z"), result.Status.LastError);
    }

    [Fact]
    public void Parse_MetronomeCronJob_AcceptedWithMetronomeMeanings()
    {
        var result = ParseValid(Samples.MetronomeCronJob);
        var job = result.Definition!;

        Assert.Equal(JobKind.Cron, job.Kind);
        Assert.Equal("* * * * *", job.Cron!.Text);
        Assert.Equal("America/Chicago", job.TimeZone);
        Assert.Equal(ConcurrencyPolicy.Allow, job.ConcurrencyPolicy);
        Assert.Equal(TimeSpan.FromSeconds(60), job.StartingDeadline);
        Assert.False(job.Disabled);
        Assert.Empty(result.Unsupported);
    }

    public static TheoryData<string> AllSamples() =>
    [
        Samples.ChronosScheduledJob, Samples.ChronosDependentJob, Samples.ChronosDockerJob,
        Samples.ChronosSampleJob, Samples.MetronomeCronJob,
    ];

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void Write_ThenParse_GivesAnEqualJobAndNothingUnsupported(string sample)
    {
        var job = ParseValid(sample).Definition!;

        var again = JobJson.Parse(JobJson.Write(job));

        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Equal(job, again.Definition);
        Assert.Empty(again.Unsupported);
    }

    [Fact]
    public void Write_ScheduledJob_HasChronosFieldsInChronosOrderWithStatus()
    {
        var job = ParseValid(Samples.ChronosSampleJob).Definition!;
        var status = new JobStatus(190, 3, DateTimeOffset.Parse("2014-03-08T16:57:17.507Z"), null, 1);

        using var written = JsonDocument.Parse(JobJson.Write(job, status));
        var root = written.RootElement;

        var names = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(
            ["name", "command", "shell", "epsilon", "executor", "executorFlags", "taskInfoData", "retries", "owner",
             "ownerName", "description", "successCount", "errorCount", "lastSuccess", "lastError", "cpus", "disk", "mem",
             "disabled", "softError", "dataProcessingJobType", "errorsSinceLastSuccess", "fetch", "uris",
             "environmentVariables", "arguments", "highPriority", "runAsUser", "concurrent", "maxCompletionTime",
             "constraints", "schedule", "scheduleTimeZone"],
            names);
        Assert.Equal("PT30M", root.GetProperty("epsilon").GetString());
        Assert.Equal(190, root.GetProperty("successCount").GetInt64());
        Assert.Equal("2014-03-08T16:57:17.507Z", root.GetProperty("lastSuccess").GetString());
        Assert.Equal("", root.GetProperty("lastError").GetString());
        Assert.Equal(1, root.GetProperty("errorsSinceLastSuccess").GetInt64());
        Assert.Equal("1", root.GetProperty("cpus").GetRawText());
        Assert.Equal("R/2014-03-08T20:00:00.000Z/PT2H", root.GetProperty("schedule").GetString());
        Assert.Equal("", root.GetProperty("scheduleTimeZone").GetString());
        Assert.False(root.GetProperty("concurrent").GetBoolean());
    }

    [Fact]
    public void Write_DependentJob_HasParentsAndNoSchedule()
    {
        var job = ParseValid(Samples.ChronosDependentJob).Definition!;

        using var written = JsonDocument.Parse(JobJson.Write(job));

        Assert.Equal(2, written.RootElement.GetProperty("parents").GetArrayLength());
        Assert.False(written.RootElement.TryGetProperty("schedule", out _));
        Assert.Equal(0, written.RootElement.GetProperty("successCount").GetInt64());
        Assert.Equal("", written.RootElement.GetProperty("lastSuccess").GetString());
    }

    [Fact]
    public void Write_CronJob_UsesMetronomeSpellings()
    {
        var job = ParseValid(Samples.MetronomeCronJob).Definition!;

        using var written = JsonDocument.Parse(JobJson.Write(job));
        var root = written.RootElement;

        Assert.Equal("* * * * *", root.GetProperty("cron").GetString());
        Assert.Equal("America/Chicago", root.GetProperty("timezone").GetString());
        Assert.Equal("ALLOW", root.GetProperty("concurrencyPolicy").GetString());
        Assert.Equal(60, root.GetProperty("startingDeadlineSeconds").GetInt32());
        Assert.False(root.TryGetProperty("epsilon", out _));
        Assert.False(root.TryGetProperty("concurrent", out _));
    }
}
