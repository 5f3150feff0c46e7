using System.Net;
using Bridge.Schedulers.Services.Scheduling;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Services.Tests.Api;

/// <summary><c>/v2/info</c>, <c>/v2/leader</c>, <c>/ping</c>, and methods a path does not take.</summary>
public sealed class InfoApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Info_Shows_The_Framework_And_The_Master()
    {
        var info = (await _host.GetAsync("/v2/info")).Is(HttpStatusCode.OK).Json;
        Assert.Equal("bridge-services", info.GetProperty("name").GetString());
        Assert.Equal("0.1.0", info.GetProperty("version").GetString());
        Assert.True(info.GetProperty("elected").GetBoolean());
        Assert.Equal("localhost:80", info.GetProperty("leader").GetString());
        Assert.Equal("fw-1", info.GetProperty("frameworkId").GetString());
        Assert.Equal("http://127.0.0.1:5050", info.GetProperty("marathon_config").GetProperty("master").GetString());
        Assert.Equal("bridge-services", info.GetProperty("marathon_config").GetProperty("framework_name").GetString());
        Assert.Equal(80, info.GetProperty("http_config").GetProperty("http_port").GetInt32());

        _host.Services.Info = new ServicesInfo("bridge-services", null, "http://127.0.0.1:5050", "0.1.0");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await _host.GetAsync("/v2/info")).Json.GetProperty("frameworkId").ValueKind);
    }

    [Fact]
    public async Task Leader_Is_The_Address_Asked()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/leader");
        request.Headers.Host = "127.0.0.1:8080";
        using var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"leader\":\"127.0.0.1:8080\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ping_Answers_Pong_Uncached()
    {
        var reply = (await _host.GetAsync("/ping")).Is(HttpStatusCode.OK);
        Assert.Equal("pong", reply.Body);
        Assert.StartsWith("text/plain", reply.Header("Content-Type"));
        Assert.Contains("no-cache", reply.Header("Cache-Control"));
    }

    [Theory]
    [InlineData("PUT", "/v2/apps")]
    [InlineData("POST", "/v2/info")]
    [InlineData("POST", "/v2/apps/web/tasks")]
    [InlineData("DELETE", "/v2/tasks")]
    public async Task A_Method_A_Path_Does_Not_Take_Is_405(string method, string path) =>
        (await _host.SendAsync(new HttpMethod(method), path, method == "GET" ? null : "{}")).Is(HttpStatusCode.MethodNotAllowed);
}
