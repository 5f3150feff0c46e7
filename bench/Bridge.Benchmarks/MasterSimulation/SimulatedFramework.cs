using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Bridge.Kernel.Master.Internal;
using Bridge.Kernel.V1;
using Google.Protobuf;
using Call = Bridge.Kernel.V1.Scheduler.Call;
using Event = Bridge.Kernel.V1.Scheduler.Event;
using MasterService = Bridge.Kernel.Master.Master;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Benchmarks.MasterSimulation;

/// <summary>
/// A framework with no network, calling the <see cref="MasterService"/> as the gRPC adapter
/// (<c>SchedulerService</c>) does. It launches one <c>cpus:1;mem:1024</c> task on every offer it
/// receives (the Mesos paper's scalability run), leaving the rest of the offer refused for the
/// default 5 s, and acknowledges every update. The Stopwatch timestamp of each ACCEPT call goes
/// in the task's <c>data</c>, where the simulated agent reads it. Calls are pipelined, as a
/// Mesos scheduler driver sends them: the framework does not wait for one call to finish before
/// sending the next.
/// </summary>
internal sealed class SimulatedFramework(MasterService master, int index, Recorder recorder)
{
    private static readonly double TaskCpus = 1, TaskMemMb = 1024;
    private FrameworkConnection? _connection;
    private FrameworkID? _id;
    private long _nextTask;
    private volatile bool _launching = true;

    /// <summary>Stops launching: from now on every offer is declined for an hour.</summary>
    public void StopLaunching() => _launching = false;

    /// <summary>SUBSCRIBE.</summary>
    public async Task SubscribeAsync()
    {
        var info = new FrameworkInfo { Name = $"sim-framework-{index}", User = "bench" };
        _connection = await master.SubscribeAsync(new Call { Type = Call.Types.Type.Subscribe, Subscribe = new() { FrameworkInfo = info } });
        _id = new FrameworkID { Value = _connection.FrameworkId.Value };
    }

    /// <summary>Handles events until the master closes the stream.</summary>
    public async Task RunAsync()
    {
        await foreach (var e in _connection!.Events.ReadAllAsync())
        {
            switch (e.Type)
            {
                case Event.Types.Type.Offers:
                    foreach (var offer in e.Offers.Offers_) Answer(offer);
                    break;
                case Event.Types.Type.Update:
                    recorder.Update(e.Update.Status);
                    if (e.Update.Status.Uuid.Length > 0)
                        Send(new Call
                        {
                            Type = Call.Types.Type.Acknowledge,
                            Acknowledge = new() { AgentId = e.Update.Status.AgentId, TaskId = e.Update.Status.TaskId, Uuid = e.Update.Status.Uuid },
                        });
                    break;
                case Event.Types.Type.Rescind:
                    recorder.Rescinded();
                    break;
            }
        }
    }

    private void Answer(Offer offer)
    {
        if (!_launching || Scalar(offer, "cpus") < TaskCpus || Scalar(offer, "mem") < TaskMemMb)
        {
            Send(new Call { Type = Call.Types.Type.Decline, Decline = new() { OfferIds = { offer.Id }, Filters = new Filters { RefuseSeconds = _launching ? 5 : 3600 } } });
            return;
        }
        var id = string.Create(CultureInfo.InvariantCulture, $"f{index}-t{++_nextTask}");
        var task = new TaskInfo
        {
            Name = id,
            TaskId = new TaskID { Value = id },
            AgentId = offer.AgentId,
            Command = new CommandInfo { Value = "sleep" },
            Resources =
            {
                new Resource { Name = "cpus", Type = Value.Types.Type.Scalar, Scalar = new() { Value = TaskCpus } },
                new Resource { Name = "mem", Type = Value.Types.Type.Scalar, Scalar = new() { Value = TaskMemMb } },
            },
        };
        var accept = new Call
        {
            Type = Call.Types.Type.Accept,
            Accept = new()
            {
                OfferIds = { offer.Id },
                Operations = { new Offer.Types.Operation { Type = Offer.Types.Operation.Types.Type.Launch, Launch = new() { TaskInfos = { task } } } },
            },
        };
        var stamp = new byte[8];
        var now = Stopwatch.GetTimestamp();
        BinaryPrimitives.WriteInt64LittleEndian(stamp, now);
        task.Data = UnsafeByteOperations.UnsafeWrap(stamp);
        recorder.Accepted();
        Send(accept);
    }

    private void Send(Call call)
    {
        call.FrameworkId = _id;
        var done = master.CallAsync(call, _connection!.StreamId);
        if (!done.IsCompletedSuccessfully) done.ContinueWith(t => recorder.Error(t.Exception!), TaskContinuationOptions.OnlyOnFaulted);
    }

    private static double Scalar(Offer offer, string name)
    {
        double sum = 0;
        foreach (var r in offer.Resources)
            if (r.Name == name) sum += r.Scalar?.Value ?? 0;
        return sum;
    }
}
