using Bridge.Kernel.Protocol;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

// Runs N command tasks on a Bridge master; exits 0 when every one finished, 1 otherwise.
// Usage: RunTasks --master 127.0.0.1:5050 --tasks 3
var master = new Uri($"http://{Arg("--master", "127.0.0.1:5050")}");
var count = int.Parse(Arg("--tasks", "3")) is > 0 and var n ? n : throw new ArgumentException("--tasks must be at least 1");
var pending = new Queue<TaskInfo>(Enumerable.Range(1, count).Select(i => CommandTask.Create($"task-{i}", $"echo task {i}", cpus: 0.1, memMb: 32)));
var scheduler = new RunTasks(pending, count);
await using var driver = new SchedulerDriver(master, new FrameworkInfo { Name = "run-tasks", User = System.Environment.UserName }, scheduler);
using var stop = new CancellationTokenSource();
var running = driver.RunAsync(stop.Token);
if (await Task.WhenAny(scheduler.Done.Task, running) == running)
{
    await running; // throws if the master refused the subscription
    return 1;      // the master ended it (ERROR) before the tasks did
}
await driver.TeardownAsync();
stop.Cancel();
await running;
return await scheduler.Done.Task;

string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;

/// <summary>Launches the pending tasks on offers as they fit; done when all of them ended.</summary>
sealed class RunTasks(Queue<TaskInfo> pending, int count) : Scheduler
{
    private readonly Dictionary<string, TaskState> _ended = new();

    public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task OffersAsync(SchedulerDriver driver, IReadOnlyList<Offer> offers)
    {
        foreach (var offer in offers)
            if (offer.TakeFitting(pending) is { Count: > 0 } tasks) await driver.LaunchAsync(offer, tasks);
            else await driver.DeclineAsync([offer.Id], refuseSeconds: pending.Count == 0 ? 3600 : 5);
    }

    public override Task UpdateAsync(SchedulerDriver driver, TaskStatus status)
    {
        Console.WriteLine($"{status.TaskId.Value}: {TaskStates.Name(status.State)} {status.Message}".TrimEnd());
        if (TaskStates.IsTerminal(status.State) && _ended.TryAdd(status.TaskId.Value, status.State) && _ended.Count == count)
            Done.TrySetResult(_ended.Values.All(s => s == TaskState.TaskFinished) ? 0 : 1);
        return Task.CompletedTask;
    }
}
