using System.Collections.Concurrent;
using Bridge.Kernel;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Bridge.Testing;
using Bridge.Yarn.Client;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Yarn.Hosting.Tests;

/// <summary>
/// YARN and another framework on one pool: the kernel charges every YARN container to the role <c>yarn</c> (so DRF sees
/// YARN's true share), the other role gets what YARN leaves, and what YARN gives back when its application ends.
/// </summary>
public class DrfSharingTests
{
    [Fact]
    public async Task YarnsContainersCountInItsRolesShare_TheOtherRoleRunsInWhatIsLeft_AndGetsWhatYarnGivesBack()
    {
        await using var cluster = await YarnCluster.StartAsync(agents: 1, agentResources: "cpus:4;mem:8192;disk:4096");
        await cluster.WaitForNodeManagersAsync(1);

        // YARN: an AM and two containers of <1024 MB, 1 vcore> that run 20 s: 3 cpus and 3072 MB, plus the
        // NodeManager's and executor's own 0.3 cpus and 384 MB.
        using var client = new YarnClient(cluster.ResourceManager.Address);
        var amCommand = string.Join(' ', new[] { YarnCluster.ExecutorCommand().Value, BridgeProgram.Dll(), "yarn", "am", "distributed-shell",
            "--shell_command", "sleep 20", "--num_containers", "2", "--container_memory", "1024" }.Select(ApplicationMasterRunner.ShellQuote));
        var app = await client.SubmitAsync(new YarnSubmission("sleepers", "YARN", "default", new Bridge.Yarn.ResourceManager.Records.Resource(1024, 1),
            new ContainerLaunchContext([amCommand], new Dictionary<string, string>(), new Dictionary<string, LocalResource>())));
        await cluster.WaitForRoleAllocatedAsync("yarn", (3.3, 3456.0), "YARN's three containers in the role's allocation");

        // Another role wants three tasks of <0.5 cpus, 512 MB>: only one fits in the 0.7 cpus YARN leaves.
        var other = new QueueScheduler(Enumerable.Range(1, 3).Select(i => $"svc-{i}"));
        await using var driver = new SchedulerDriver(cluster.Master.Address, new FrameworkInfo { Name = "svc", User = "root", Roles = { "svc" } }, other);
        using var stop = new CancellationTokenSource();
        var run = driver.RunAsync(stop.Token);
        await other.WaitRunningAsync("svc-1");
        Assert.Equal((0.5, 512.0), await cluster.RoleAllocatedAsync("svc"));
        Assert.Equal((3.3, 3456.0), await cluster.RoleAllocatedAsync("yarn"));
        Assert.False(other.Running.ContainsKey("svc-2"));

        // When YARN's application ends, its placeholders finish and the room goes to the role that still wants it.
        var report = await client.WaitAsync(app, TimeSpan.FromMilliseconds(200)).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(FinalApplicationStatusProto.AppSucceeded, report.FinalApplicationStatus);
        await other.WaitRunningAsync("svc-2");
        await other.WaitRunningAsync("svc-3");
        await cluster.WaitForRoleAllocatedAsync("yarn", (0.3, 384.0), "YARN's placeholders to end");
        Assert.Equal((1.5, 1536.0), await cluster.RoleAllocatedAsync("svc"));
        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Launches its queued tasks (<c>sleep 600</c>, 0.5 cpus, 512 MB) one per offer while they fit; declines the rest for 1 s.</summary>
    private sealed class QueueScheduler(IEnumerable<string> tasks) : Kernel.Scheduler.Scheduler
    {
        private readonly ConcurrentQueue<string> _queue = new(tasks);

        public ConcurrentDictionary<string, bool> Running { get; } = new();

        public override async Task OffersAsync(SchedulerDriver driver, IReadOnlyList<Offer> offers)
        {
            foreach (var offer in offers)
            {
                var resources = ResourceConversion.ToModel(offer.Resources, "offer");
                if (_queue.TryPeek(out var id) && resources.Contains(Resources.Parse("cpus:0.5;mem:512")) && _queue.TryDequeue(out id))
                {
                    var task = new TaskInfo
                    {
                        Name = id, TaskId = new TaskID { Value = id }, AgentId = offer.AgentId,
                        Command = new CommandInfo { Value = "sleep 600" },
                        Resources = { ResourceConversion.ToWire(Resources.Parse("cpus:0.5;mem:512")) },
                    };
                    await driver.LaunchAsync(offer, [task], refuseSeconds: 1);
                }
                else await driver.DeclineAsync([offer.Id], refuseSeconds: 1);
            }
        }

        public override Task UpdateAsync(SchedulerDriver driver, TaskStatus status)
        {
            if (status.State == TaskState.TaskRunning) Running[status.TaskId.Value] = true;
            return Task.CompletedTask;
        }

        public Task WaitRunningAsync(string id) => Wait.UntilAsync(() => Running.ContainsKey(id), $"{id} running", TimeSpan.FromSeconds(60));
    }
}
