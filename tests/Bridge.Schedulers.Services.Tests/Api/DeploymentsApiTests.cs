using System.Net;
using Bridge.Schedulers.Services.Definitions;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Services.Tests.Api;

/// <summary><c>/v2/deployments</c>: listing, rolling back, stopping.</summary>
public sealed class DeploymentsApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Deployments_Are_Listed_In_Marathons_Shape()
    {
        Assert.Empty((await _host.GetAsync("/v2/deployments")).Is(HttpStatusCode.OK).Json.EnumerateArray());
        var created = await _host.CreateAsync(ApiHost.App("/web"));

        var deployment = Assert.Single((await _host.GetAsync("/v2/deployments")).Json.EnumerateArray());
        Assert.Equal(created.Header("Marathon-Deployment-Id"), deployment.GetProperty("id").GetString());
        Assert.Equal("2026-11-22T12:00:00.000Z", deployment.GetProperty("version").GetString());
        Assert.Equal("/web", Assert.Single(deployment.GetProperty("affectedApps").EnumerateArray()).GetString());
        Assert.Empty(deployment.GetProperty("affectedPods").EnumerateArray());
        var steps = deployment.GetProperty("steps").EnumerateArray()
            .Select(s => Assert.Single(s.GetProperty("actions").EnumerateArray()))
            .Select(a => (a.GetProperty("action").GetString(), a.GetProperty("app").GetString())).ToList();
        Assert.Equal([("StartApplication", "/web"), ("ScaleApplication", "/web")], steps);
        // The start step is done at once: the scale step is under way.
        var current = Assert.Single(deployment.GetProperty("currentActions").EnumerateArray());
        Assert.Equal("ScaleApplication", current.GetProperty("action").GetString());
        Assert.Empty(current.GetProperty("readinessCheckResults").EnumerateArray());
        Assert.Equal((2, 2), (deployment.GetProperty("currentStep").GetInt32(), deployment.GetProperty("totalSteps").GetInt32()));
    }

    [Fact]
    public async Task Deleting_A_Deployment_Rolls_The_App_Back()
    {
        await _host.RunningWebAsync(1);
        _host.Services.Time.Advance(TimeSpan.FromSeconds(1));
        var change = (await _host.PatchAsync("/v2/apps/web", "{\"cmd\": \"sleep 100\"}")).Is(HttpStatusCode.OK);
        var id = change.Json.GetProperty("deploymentId").GetString();

        var rollback = (await _host.DeleteAsync($"/v2/deployments/{id}")).Is(HttpStatusCode.OK);
        var rollbackId = rollback.Json.GetProperty("deploymentId").GetString();
        Assert.NotEqual(id, rollbackId);
        Assert.Equal(rollbackId, rollback.Header("Marathon-Deployment-Id"));
        Assert.Equal("python3 -m http.server $PORT0",
            await _host.Services.ReadAsync((s, _) => s.App(AppId.Parse("/web"))!.Definition.Cmd));
        Assert.Contains(_host.Services.Carried.SelectMany(d => d.Events), e => e.Type == "deployment_failed");
    }

    [Fact]
    public async Task Deleting_A_Deployment_With_Force_Stops_It_With_202()
    {
        var created = await _host.CreateAsync(ApiHost.App("/web"));
        var reply = (await _host.DeleteAsync($"/v2/deployments/{created.Header("Marathon-Deployment-Id")}?force=true")).Is(HttpStatusCode.Accepted);
        Assert.Equal("", reply.Body);
        Assert.Empty((await _host.GetAsync("/v2/deployments")).Json.EnumerateArray());
        (await _host.GetAsync("/v2/apps/web")).Is(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Deleting_An_Unknown_Deployment_Is_404()
    {
        var reply = (await _host.DeleteAsync("/v2/deployments/nope")).Is(HttpStatusCode.NotFound);
        Assert.Equal("DeploymentPlan nope does not exist", reply.Json.GetProperty("message").GetString());
    }
}
