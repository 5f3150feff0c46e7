using System.Collections.Concurrent;
using Bridge.Kernel.EndToEnd.Tests;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Hosting;
using Bridge.Testing;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.EndToEnd.Tests.Hosting;

/// <summary>
/// The framework shell's status batches against a real master and agent: updates are acknowledged
/// only once their batch is saved, so a failed save loses nothing (the agent sends again), and each
/// task's updates reach the core in the order the agent sent them.
/// </summary>
public sealed class FrameworkShellTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] TaskIds = ["t1", "t2", "t3", "t4"];

    [Fact]
    public async Task A_Batch_Whose_Save_Fails_Is_Not_Acknowledged_And_Its_Updates_Come_Again()
    {
        var agentClock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await Cluster.StartWithAgentClockAsync(agentClock);
        var core = new RecordingCore(failFirstStatusSave: true);
        var shell = FrameworkShell<ShellDecisions, string>.Start(
            new FrameworkShellOptions { Master = cluster.Master.Address, Name = "shell-test", TickInterval = TimeSpan.FromHours(1) },
            core.AsFrameworkCore());
        await using (shell)
        {
            // The first batch of updates fails to save: none of its updates is acknowledged, so the agent holds
            // back those tasks' later updates, while the other tasks' go through to TASK_FINISHED.
            await Wait.UntilAsync(() => core.FailedBatch is not null, "a status batch to fail its save", Timeout);
            var failedTasks = core.FailedBatch!.Select(s => s.TaskId.Value).ToHashSet();
            await Wait.UntilAsync(() => TaskIds.Where(t => !failedTasks.Contains(t)).All(t => core.SavedStates(t).Contains(TaskState.TaskFinished)),
                "the other tasks to finish", Timeout);
            foreach (var task in failedTasks)
            {
                Assert.Empty(core.SavedStates(task));
                Assert.DoesNotContain(core.Seen, s => s.TaskId.Value == task && s.State == TaskState.TaskFinished);
            }

            // Before the agent's retry fires, the other tasks' acknowledgements must have reached it (it forgets a task
            // once its terminal update is acknowledged); otherwise an acknowledgement still in flight would have its
            // update sent again too, which at-least-once delivery allows but this test's exact count does not.
            await Wait.UntilAsync(async () => (await cluster.Agents[0].Agent.GetTasksAsync()).All(t => failedTasks.Contains(t.Task.Value)),
                "the agent to hear every acknowledgement of the saved updates", Timeout);
            // The agent's retry: the same updates come again, are saved and acknowledged, and the held-back ones follow.
            agentClock.Advance(cluster.Agents[0].Agent.Options.StatusUpdateRetryInterval);
            await Wait.UntilAsync(() => TaskIds.All(t => core.SavedStates(t).Contains(TaskState.TaskFinished)), "every task to finish", Timeout);
            foreach (var status in core.FailedBatch!)
                Assert.True(core.Seen.Count(s => s.Uuid == status.Uuid) >= 2, $"{status.TaskId.Value}'s {status.State} was seen again");
        }

        // Per task, the core saw the states in the agent's order, each first time once, ending with TASK_FINISHED.
        foreach (var task in TaskIds)
        {
            var states = core.SavedStates(task);
            Assert.Equal(TaskState.TaskFinished, states[^1]);
            Assert.Equal(states.Distinct().Count(), states.Count);
            Assert.True(states.IndexOf(TaskState.TaskRunning) < states.IndexOf(TaskState.TaskFinished));
        }
    }

    /// <summary>A core that launches <see cref="TaskIds"/> (<c>true</c>) on its first offer, declines the
    /// rest, and records every status it is given and every one saved. It runs on the shell's loop only;
    /// the test reads its records through concurrent collections.</summary>
    private sealed class RecordingCore(bool failFirstStatusSave)
    {
        private readonly ConcurrentDictionary<string, List<TaskState>> _saved = new();
        private bool _launched;
        private bool _failNext = failFirstStatusSave;

        public ConcurrentQueue<TaskStatus> Seen { get; } = new();

        public IReadOnlyList<TaskStatus>? FailedBatch { get; private set; }

        public List<TaskState> SavedStates(string taskId)
        {
            var states = _saved.GetOrAdd(taskId, _ => []);
            lock (states) return [.. states];
        }

        public FrameworkCore<ShellDecisions> AsFrameworkCore() => new()
        {
            Subscribed = (_, d) => d.WantOffers = !_launched,
            Offers = Offers,
            Status = (status, _, d) =>
            {
                Seen.Enqueue(status);
                d.Statuses.Add(status);
            },
            Tick = (_, _) => { },
            Save = Save,
            SaveFrameworkId = _ => { },
        };

        private void Offers(IReadOnlyList<Offer> offers, DateTimeOffset now, ShellDecisions d)
        {
            foreach (var offer in offers)
            {
                if (_launched)
                {
                    d.DeclineList.Add(offer.Id);
                    continue;
                }
                _launched = true;
                d.LaunchList.Add((offer.Id, [.. TaskIds.Select(id =>
                {
                    var task = Framework.Command(id, "true");
                    task.AgentId = offer.AgentId;
                    return task;
                })]));
                d.WantOffers = false;
            }
        }

        private void Save(ShellDecisions d)
        {
            if (d.Statuses.Count == 0) return;
            if (_failNext)
            {
                _failNext = false;
                FailedBatch = [.. d.Statuses];
                throw new IOException("disk full (test)");
            }
            foreach (var status in d.Statuses)
            {
                var states = _saved.GetOrAdd(status.TaskId.Value, _ => []);
                lock (states) states.Add(status.State);
            }
        }
    }

    /// <summary>The test core's decisions; a status batch's updates are in <see cref="Statuses"/>.</summary>
    public sealed class ShellDecisions : IFrameworkDecisions<string>
    {
        public List<(OfferID OfferId, IReadOnlyList<TaskInfo> Tasks)> LaunchList { get; } = [];

        public List<OfferID> DeclineList { get; } = [];

        public List<TaskStatus> Statuses { get; } = [];

        public bool Changed => LaunchList.Count > 0 || Statuses.Count > 0;

        public IEnumerable<(OfferID OfferId, IReadOnlyList<TaskInfo> Tasks)> Launches => LaunchList;

        public IReadOnlyCollection<OfferID> Declines => DeclineList;

        public IReadOnlyDictionary<string, string> DeclineReasons { get; } = new Dictionary<string, string>();

        public IEnumerable<(string TaskId, string? AgentId, TimeSpan? GracePeriod)> Kills => [];

        public IReadOnlyCollection<(string TaskId, string AgentId)>? Reconcile => null;

        public bool? WantOffers { get; set; }

        public IReadOnlyList<string> Events => [];
    }
}
