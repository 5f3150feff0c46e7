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
        string? frameworkId;
        await using (var services = Start(cluster, workDir))
        {
            var created = await services.ChangeAsync((s, now, d) => s.Create(app, now, d));
            Assert.Equal(SubmitError.None, created.Error);
            await Wait.UntilAsync(async () => (await InstancesAsync(services)).Count(i => i.IsHealthy(hasHealthChecks: true)) == 3,
                "three healthy instances", Timeout);
            await Wait.UntilAsync(async () => await services.ReadAsync((s, _) => s.App(app.Id)!.Deployment is null), "the deployment to finish", Timeout);
            running = await InstancesAsync(services);
            frameworkId = services.Info.FrameworkId;
            Assert.Equal(3, running.Select(i => i.Agent.Hostname).Distinct().Count());
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            foreach (var instance in running)
                Assert.True((await http.GetAsync($"http://127.0.0.1:{instance.Ports[0]}/")).IsSuccessStatusCode);
        }

        // A new scheduler on the same state subscribes with the saved framework id and adopts the tasks.
        await using (var services = Start(cluster, workDir))
        {
            await Wait.UntilAsync(() => services.HasSubscribed, "the restarted scheduler to subscribe", Timeout);
            Assert.Equal(frameworkId, services.Info.FrameworkId);
            var adopted = await InstancesAsync(services);
            Assert.Equal(running.Select(i => i.TaskId).Order(), adopted.Select(i => i.TaskId).Order());
            // Reconciliation confirms them running; nothing is relaunched.
            await Wait.UntilAsync(async () => (await InstancesAsync(services)).All(i => i.Condition == Condition.Running),
                "the adopted tasks to be reconciled as running", Timeout);
            Assert.Equal(running.Select(i => i.TaskId).Order(), (await InstancesAsync(services)).Select(i => i.TaskId).Order());
        }
    }

    [Fact]
    public async Task A_Rolling_Restart_Never_Drops_Below_MinimumHealthCapacity()
    {
        await using var cluster = await Cluster.StartAsync("cpus:2;mem:1024;ports:[31000-31099]");
        await using var services = Start(cluster, Path.Combine(cluster.WorkDir, "services"));
        // Three instances, at least ceil(3 x 0.5) = 2 healthy throughout, at most 3 running (no headroom).
        var app = AppJson.Parse(WebJson).App! with { Constraints = [], UpgradeStrategy = new UpgradeStrategy(0.5, 0) };
        await services.ChangeAsync((s, now, d) => s.Create(app, now, d));
        await Wait.UntilAsync(async () => await services.ReadAsync((s, _) => s.App(app.Id)!.Deployment is null), "the first deployment", Timeout);
        var before = (await InstancesAsync(services)).Select(i => i.TaskId).ToHashSet();

        await services.ChangeAsync((s, now, d) => s.Restart(app.Id, now, force: false, d));
        var samples = new List<(int Healthy, int Alive)>();
        var deadline = DateTime.UtcNow + Timeout;
        while (await services.ReadAsync((s, _) => s.App(app.Id)!.Deployment is not null))
        {
            Assert.True(DateTime.UtcNow < deadline, "the restart did not finish in time");
            var instances = await InstancesAsync(services);
            samples.Add((instances.Count(i => i.IsHealthy(hasHealthChecks: true)), instances.Count(i => i.Condition != Condition.Killing)));
            await Task.Delay(20);
        }
        Assert.True(samples.Count > 10, $"only {samples.Count} samples");
        Assert.True(samples.Min(s => s.Healthy) >= 2, $"healthy dropped to {samples.Min(s => s.Healthy)}");
        Assert.True(samples.Max(s => s.Alive) <= 3, $"{samples.Max(s => s.Alive)} alive at once");
        var after = await InstancesAsync(services);
        Assert.Equal(3, after.Count(i => i.IsHealthy(hasHealthChecks: true)));
        Assert.Empty(after.Select(i => i.TaskId).Intersect(before));
    }

    [Fact]
    public async Task A_Crashing_App_Backs_Off_Longer_After_Each_Failure()
    {
        await using var cluster = await Cluster.StartAsync("cpus:1;mem:512;ports:[31000-31099]");
        await using var services = Start(cluster, Path.Combine(cluster.WorkDir, "services"));
        var app = AppJson.Parse("""
            {"id": "/crasher", "cmd": "exit 3", "cpus": 0.1, "mem": 16, "instances": 1,
             "backoffSeconds": 1, "backoffFactor": 2, "maxLaunchDelaySeconds": 4}
            """).App!;
        await services.ChangeAsync((s, now, d) => s.Create(app, now, d));
        await Wait.UntilAsync(async () => await services.ReadAsync((s, _) => s.App(app.Id)!.Delay.Failures) >= 4, "four failures", Timeout);
        var delay = await services.ReadAsync((s, _) => s.App(app.Id)!.Delay);
        // 1 s, 2 s, 4 s, then held at maxLaunchDelaySeconds: the app is in cooldown.
        Assert.Equal(TimeSpan.FromSeconds(4), delay.Wait);
        Assert.True(delay.InCooldown);
    }
}
