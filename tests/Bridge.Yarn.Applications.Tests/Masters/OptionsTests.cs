using Bridge.Yarn.Applications.MapReduce;
using Bridge.Yarn.Applications.Masters.DistributedShell;
using Bridge.Yarn.Applications.WordCount;

namespace Bridge.Yarn.Applications.Tests.Masters;

public sealed class OptionsTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void DistributedShell_OnlyTheCommand_HadoopsDefaultsAndOurRetryDefaults()
    {
        Assert.True(DistributedShellOptions.TryParse(["--shell_command", "date"], out var options, out var error), error);

        Assert.Equal("date", options!.ShellCommand);
        Assert.Equal("", options.ShellArgs);
        Assert.Empty(options.ShellEnv);
        Assert.Equal(1, options.NumContainers);
        Assert.Equal(10, options.ContainerMemoryMb);
        Assert.Equal(1, options.ContainerVCores);
        Assert.Equal(0, options.Priority);
        Assert.Equal(ContainerRetryPolicy.RetryOnAllErrors, options.RetryPolicy);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(0, options.RetryIntervalMs);
    }

    [Fact]
    public void DistributedShell_HadoopsSingleDashAndEqualsForms_Accepted()
    {
        Assert.True(DistributedShellOptions.TryParse(
            ["-shell_command", "ls", "-shell_args", "-l", "--num_containers=4", "-container_retry_policy", "2",
             "--container_retry_error_codes", "1,2", "--container_retry_error_codes", "3", "--container_max_retries", "-1"],
            out var options, out var error), error);

        Assert.Equal("-l", options!.ShellArgs);
        Assert.Equal(4, options.NumContainers);
        Assert.Equal(ContainerRetryPolicy.RetryOnSpecificErrorCodes, options.RetryPolicy);
        Assert.Equal([1, 2, 3], options.RetryErrorCodes.Order());
        Assert.True(options.ShouldRetry(2, 1_000_000)); // -1: without limit
        Assert.False(options.ShouldRetry(4, 0));
    }

    [Theory]
    [InlineData(new string[0], "--shell_command is required")]
    [InlineData(new[] { "--shell_command", "x", "--num_containers", "0" }, "--num_containers 0: Cannot run distributed shell with no containers")]
    [InlineData(new[] { "--shell_command", "x", "--num_containers", "many" }, "--num_containers many: expected an integer of at least 1")]
    [InlineData(new[] { "--shell_command", "x", "--container_memory", "-5" }, "--container_memory -5: expected an integer of at least 1")]
    [InlineData(new[] { "--shell_command", "x", "--container_retry_policy", "3" }, "--container_retry_policy 3: expected an integer from 0 to 2")]
    [InlineData(new[] { "--shell_command", "x", "--container_retry_error_codes", "1,x" }, "--container_retry_error_codes: 'x' is not an integer")]
    [InlineData(new[] { "--shell_command", "x", "--shell_env", "=v" }, "--shell_env '=v': expected KEY=VALUE")]
    [InlineData(new[] { "--shell_command", "x", "--jar", "ds.jar" }, "--jar: unknown option")]
    [InlineData(new[] { "--shell_command", "x", "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "--shell_command" }, "--shell_command: a value is required")]
    public void DistributedShell_BadArguments_ErrorNamesTheOption(string[] args, string expected)
    {
        Assert.False(DistributedShellOptions.TryParse(args, out var options, out var error));

        Assert.Null(options);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void MapReduceSettings_TrySet_HadoopPropertyNames()
    {
        var settings = new MapReduceSettings();
        Assert.True(settings.TrySet("mapreduce.reduce.memory.mb", "2048", out settings, out _));
        Assert.True(settings.TrySet("mapreduce.reduce.maxattempts", "1", out settings, out _));

        Assert.Equal(new MapReduceSettings { ReduceMemoryMb = 2048, ReduceMaxAttempts = 1 }, settings);
        Assert.False(settings.TrySet("mapreduce.job.reduces", "3", out _, out var unknown));
        Assert.StartsWith("-D mapreduce.job.reduces: unknown property", unknown);
        Assert.False(settings.TrySet("mapreduce.map.memory.mb", "0", out _, out var zero));
        Assert.Equal("-D mapreduce.map.memory.mb=0: expected an integer of at least 1", zero);
    }

    [Fact]
    public void JobFile_WrittenAtSubmission_ReadsBackTheSame()
    {
        _dir.Write("in/a.txt", new string('x', 3000));
        var settings = new MapReduceSettings { MapMemoryMb = 512 };
        Assert.True(WordCountJob.TryPrepare(new WordCountJobOptions(_dir.Combine("in"), _dir.Combine("out"), 2, 1000), _dir.Combine("job"), settings, out var written, out var error), error);

        Assert.True(MapReduceJobFile.TryRead(_dir.Combine("job"), out var read, out error), error);

        Assert.Equal(3, read!.Maps);
        Assert.Equal(written!.Splits, read.Splits);
        Assert.Equal(written with { Splits = read.Splits, Ranges = read.Ranges }, read);
        string json = File.ReadAllText(_dir.Combine("job", "job.json"));
        Assert.Contains("\"mapreduce.map.memory.mb\": 512", json);
        Assert.DoesNotContain("\"end\"", json);
    }

    [Theory]
    [InlineData("{", "job.json: ")]
    [InlineData("""{"application":"grep","input":"i","output":"o","intermediateDirectory":"t","reduces":1}""", "application 'grep' is neither wordcount nor trace-analytics")]
    [InlineData("""{"application":"wordcount","input":"i","output":"o","intermediateDirectory":"t","reduces":0}""", "reduces 0 is below 1")]
    [InlineData("""{"application":"wordcount","input":"i","output":"o","reduces":1}""", "intermediateDirectory")]
    [InlineData("""{"application":"wordcount","input":"i","output":"o","intermediateDirectory":"t","reduces":1,"settings":{"mapreduce.map.maxattempts":0}}""", "a setting is below 1")]
    [InlineData("""{"application":"wordcount","input":"i","output":"o","intermediateDirectory":"t","reduces":1,"speculative":true}""", "speculative")]
    public void JobFile_Malformed_ErrorNamesTheFileAndTheProblem(string json, string expected)
    {
        _dir.Write("job/job.json", json);

        Assert.False(MapReduceJobFile.TryRead(_dir.Combine("job"), out var job, out var error));

        Assert.Null(job);
        Assert.Contains(_dir.Combine("job", "job.json"), error);
        Assert.Contains(expected, error);
    }
}
