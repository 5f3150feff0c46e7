using Bridge.Kernel.EndToEnd.Tests;
using Bridge.Schedulers.Services.Definitions;
using Bridge.Schedulers.Services.Framework;
using Bridge.Schedulers.Services.Instances;
using Bridge.Schedulers.Services.Scheduling;
using Bridge.Testing;

namespace Bridge.Schedulers.EndToEnd.Tests.Services;

/// <summary>The services scheduler as a framework on a real master and agents, running real processes.</summary>
public sealed class ServicesFrameworkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A <c>python3 -m http.server</c> app as Marathon's docs write one, with an HTTP health check every second.</summary>
    private const string WebJson = """
        {
          "id": "/web",
          "cmd": "exec python3 -m http.server $PORT0 --bind 127.0.0.1",
          "cpus": 0.1,
          "mem": 64,
          "instances": 3,
          "constraints": [["hostname", "UNIQUE"]],
          "portDefinitions": [{"port": 0, "name": "http"}],
          "healthChecks": [{"protocol": "HTTP", "path": "/", "portIndex": 0, "gracePeriodSeconds": 30,
                            "intervalSeconds": 1, "timeoutSeconds": 2, "delaySeconds": 0, "maxConsecutiveFailures": 3}]
        }
        """;

    private static ServicesFramework Start(Cluster cluster, string workDir) => ServicesFramework.Start(new ServicesOptions
    {
        Master = cluster.Master.Address,
        WorkDirectory = workDir,
        TickInterval = TimeSpan.FromMilliseconds(200),
    });

    private static Task<IReadOnlyList<Instance>> InstancesAsync(IServicesControl services) =>
        services.ReadAsync((s, _) => s.Instances.Of(AppId.Parse("/web")));

    [Fact]
    public async Task An_Http_Service_Runs_Healthy_One_Per_Agent_And_A_Restarted_Scheduler_Adopts_It()
    {
        await using var cluster = await Cluster.StartAsync(
            "cpus:1;mem:512;ports:[31000-31099]", "cpus:1;mem:512;ports:[31100-31199]", "cpus:1;mem:512;ports:[31200-31299]");
        var workDir = Path.Combine(cluster.WorkDir, "services");
        var app = AppJson.Parse(WebJson).App!;
        IReadOnlyList<Instance> running;
        await using (var services = Start(cluster, workDir))
        {
            var created = await services.ChangeAsync((s, now, d) => s.Create(app, now, d));
            Assert.Equal(SubmitError.None, created.Error);
            await Wait.UntilAsync(async () => (await InstancesAsync(services)).Count(i => i.IsHealthy(hasHealthChecks: true)) == 3,
                "three healthy instances", Timeout);
            await Wait.UntilAsync(async () => await services.ReadAsync((s, _) => s.App(app.Id)!.Deployment is null), "the deployment to finish", Timeout);
            running = await InstancesAsync(services);
            Assert.Equal(3, running.Select(i => i.Agent.Hostname).Distinct().Count());
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            foreach (var instance in running)
                Assert.True((await http.GetAsync($"http://127.0.0.1:{instance.Ports[0]}/")).IsSuccessStatusCode);
        }

        // A new scheduler on the same state subscribes with the saved framework id and adopts the tasks.
        await using (var services = Start(cluster, workDir))
        {
            await Wait.UntilAsync(() => services.Info.FrameworkId is not null, "the restarted scheduler to subscribe", Timeout);
            var adopted = await InstancesAsync(services);
            Assert.Equal(running.Select(i => i.TaskId).Order(), adopted.Select(i => i.TaskId).Order());
            // Reconciliation confirms them running; nothing is relaunched.
            await Wait.UntilAsync(async () => (await InstancesAsync(services)).All(i => i.Condition == Condition.Running),
                "the adopted tasks to be reconciled as running", Timeout);
            Assert.Equal(running.Select(i => i.TaskId).Order(), (await InstancesAsync(services)).Select(i => i.TaskId).Order());
        }
    }
}
