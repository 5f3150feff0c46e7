using System.Collections.Concurrent;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>Dominant Resource Fairness on a real agent with real tasks: MISSION.md's worked example.</summary>
public class DrfConvergenceTests
{
    [Fact]
    public async Task TwoFrameworksKeepAccepting_ConvergeToEqualDominantShares()
    {
        // Total 9 CPUs, 18 GB. F1 runs <1 CPU, 4 GB> (dominant: memory, 2/9 a task); F2 runs
        // <3 CPUs, 1 GB> (dominant: CPU, 1/3 a task). Each launches one task per offer and returns
        // the rest at once, so every offer goes to the framework with the lowest dominant share.
        await using var cluster = await Cluster.StartAsync("cpus:9;mem:18432");
        await using var f2 = await Framework.StartAsync(cluster, new FrameworkInfo { Name = "f2", User = "root" });
        var first = await f2.Scheduler.NextOfferAsync(); // the whole agent, held while F1 subscribes
        await using var f1 = await Framework.StartAsync(cluster, new FrameworkInfo { Name = "f1", User = "root" });
        var launches = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var accepting = new[]
        {
            KeepAcceptingAsync(f2, "f2", 3, 1024, first, launches, stop.Token),
            KeepAcceptingAsync(f1, "f1", 1, 4096, null, launches, stop.Token),
        };

        foreach (var task in new[] { "f1-1", "f1-2", "f1-3" }) await f1.Scheduler.WaitForAsync(task, TaskState.TaskRunning);
        foreach (var task in new[] { "f2-1", "f2-2" }) await f2.Scheduler.WaitForAsync(task, TaskState.TaskRunning);
        var state = (await cluster.Master.Master.SnapshotAsync()).State;
        await stop.CancelAsync();
        await Task.WhenAll(accepting);

        // The sequence of MISSION.md: F2 0->1/3; F1 0->2/9; F1 ->4/9; F2 ->2/3; F1 ->2/3. CPU is exhausted, so nothing more fits.
        Assert.Equal(["f2", "f1", "f1", "f2", "f1"], launches);
        var agent = Assert.Single(state.GetAgents.Agents);
        Assert.Equal(9.0, agent.AllocatedResources.Where(r => r.Name == "cpus").Sum(r => r.Scalar.Value));
        Assert.Equal(3, state.GetTasks.Tasks.Count(t => t.FrameworkId.Value == f1.Driver.FrameworkId!.Value));
        Assert.Equal(2, state.GetTasks.Tasks.Count(t => t.FrameworkId.Value == f2.Driver.FrameworkId!.Value));
        Assert.Equal((3.0, 12288.0), Used(state, f1));
        Assert.Equal((6.0, 2048.0), Used(state, f2));
    }

    private static (double Cpus, double Mem) Used(V1.Operator.Response.Types.GetState state, Framework framework)
    {
        var view = state.GetFrameworks.Frameworks.Single(f => f.FrameworkInfo.Id.Value == framework.Driver.FrameworkId!.Value);
        return (view.AllocatedResources.Where(r => r.Name == "cpus").Sum(r => r.Scalar.Value), view.AllocatedResources.Where(r => r.Name == "mem").Sum(r => r.Scalar.Value));
    }

    /// <summary>Launches one task of the given shape on each offer that fits it (the rest returns with no filter); declines the others for an hour.</summary>
    private static async Task KeepAcceptingAsync(Framework framework, string name, double cpus, double mem, Offer? first, ConcurrentQueue<string> launches,
        CancellationToken cancellationToken)
    {
        var n = 0;
        var offer = first;
        try
        {
            while (true)
            {
                offer ??= await framework.Scheduler.Offers.Reader.ReadAsync(cancellationToken);
                if (Scalar(offer, "cpus") >= cpus && Scalar(offer, "mem") >= mem)
                {
                    launches.Enqueue(name);
                    await framework.Driver.LaunchAsync(offer, [Framework.Command($"{name}-{++n}", "sleep 600", cpus, mem)], refuseSeconds: 0);
                }
                else await framework.Driver.DeclineAsync([offer.Id], refuseSeconds: 3600);
                offer = null;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static double Scalar(Offer offer, string name) =>
        offer.Resources.Where(r => r.Name == name && r.Reservations.Count == 0).Sum(r => r.Scalar.Value);
}
