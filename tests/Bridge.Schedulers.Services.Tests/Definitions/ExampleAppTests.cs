using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Tests.Definitions;

/// <summary>The app definitions under examples/services are valid and say what the docs say they do.</summary>
public sealed class ExampleAppTests
{
    private static string Example(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
        Assert.NotNull(directory);
        return File.ReadAllText(Path.Combine(directory.FullName, "examples", "services", name));
    }

    [Fact]
    public void Web_Is_Two_Python_Http_Servers_With_An_Http_Health_Check()
    {
        var result = AppJson.Parse(Example("web.json"));
        Assert.True(result.IsValid, result.Failure?.ToJson());
        Assert.Empty(result.Unsupported);
        var web = result.App!;
        Assert.Equal("/web", web.Id.Value);
        Assert.Equal(2, web.Instances);
        Assert.Contains("http.server $PORT0", web.Cmd);
        Assert.Equal(HealthCheckProtocol.Http, Assert.Single(web.HealthChecks).Protocol);
    }
}
