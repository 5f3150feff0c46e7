using Bridge.Schedulers.Jobs.Definitions;

namespace Bridge.Schedulers.Jobs.Tests.Definitions;

/// <summary>The job definitions under examples/jobs are valid.</summary>
public sealed class ExampleJobTests
{
    [Fact]
    public void Hourly_Is_An_Hourly_Iso8601_Job()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
        Assert.NotNull(directory);
        var result = JobJson.Parse(File.ReadAllText(Path.Combine(directory.FullName, "examples", "jobs", "hourly.json")));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Empty(result.Unsupported);
        Assert.Equal("hourly", result.Definition!.Name.ToString());
    }
}
