using Bridge.Kernel.Allocation;
using Bridge.Kernel.Master;
using Bridge.Kernel.V1;
using Reason = Bridge.Kernel.V1.TaskStatus.Types.Reason;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>Revocation end to end: a role below its quota guarantee gets resources back from a role above its share.</summary>
public class RevocationTests
{
    [Fact]
    public async Task RoleBelowItsGuarantee_TasksOfTheRoleAboveItsShareArePreempted()
    {
        var options = new MasterOptions { Allocator = new AllocatorOptions { RevocationGracePeriod = TimeSpan.FromSeconds(5) } };
        await using var cluster = await Cluster.StartAsync(options, "cpus:4;mem:4096");
        await using var batch = await Framework.StartAsync(cluster, new FrameworkInfo { Name = "batch", User = "root", Roles = { "batch" } });
        var tasks = Enumerable.Range(1, 4).Select(i => Framework.Command($"b-{i}", "sleep 600", cpus: 1, mem: 256)).ToList();
        await batch.Driver.LaunchAsync(await batch.Scheduler.NextOfferAsync(), tasks, refuseSeconds: 3600);
        foreach (var task in tasks) await batch.Scheduler.WaitForAsync(task.TaskId.Value, TaskState.TaskRunning);

        // The guarantee alone kills nothing: nobody in "prod" would use what it frees.
        await Operators.UpdateQuotaAsync(cluster.Master.Address, "prod", "cpus:2");
        await using var prod = await Framework.StartAsync(cluster, new FrameworkInfo { Name = "prod", User = "root", Roles = { "prod" } });

        // The allocator's order: lowest priority, latest started, then by id: b-1 and b-2 free the 2 CPUs.
        var first = await batch.Scheduler.WaitForAsync("b-1", TaskState.TaskKilled);
        var second = await batch.Scheduler.WaitForAsync("b-2", TaskState.TaskKilled);
        // "prod" is offered what the kills freed (it may have been offered the spare memory before).
        double offeredCpus = 0;
        while (offeredCpus < 2) offeredCpus += Cpus(await prod.Scheduler.NextOfferAsync());

        Assert.All([first, second], killed =>
        {
            Assert.Equal(Reason.ContainerPreempted, killed.Reason);
            Assert.Contains("quota guarantee of prod", killed.Message);
        });
        Assert.Equal(2, offeredCpus);
        var snapshot = await cluster.Master.Master.SnapshotAsync();
        Assert.Equal(["b-3", "b-4"], snapshot.State.GetTasks.Tasks.Where(t => t.State == TaskState.TaskRunning).Select(t => t.TaskId.Value).Order());
        Assert.Contains("bridge_master_tasks_revoked_total 2\n", snapshot.Metrics);
    }

    private static double Cpus(V1.Offer offer) => offer.Resources.Where(r => r.Name == "cpus").Sum(r => r.Scalar.Value);
}
