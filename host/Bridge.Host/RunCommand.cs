using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using Bridge.Rpc;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Host;

/// <summary>
/// <c>bridge run --master HOST:PORT [--cpus 0.1] [--mem 32] [--name N] -- CMD ARGS...</c>, like
/// mesos-execute: subscribes a one-off framework, launches the command on the first offer that
/// fits, streams its stdout and stderr from the agent's sandbox, tears the framework down and
/// exits with the task's exit code (1 when the task ended without one: lost, dropped, in error).
/// One argument runs under <c>/bin/sh -c</c>; several run as a program and its arguments.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var master = new Option<string>("--master")
        {
            Description = "The master, HOST:PORT; several, comma-separated, when masters elect a leader in etcd (the command follows the leader).",
            DefaultValueFactory = _ => "127.0.0.1:5050",
        };
        var cpus = new Option<double>("--cpus") { Description = "cpus for the task (cores).", DefaultValueFactory = _ => 0.1 };
        var mem = new Option<double>("--mem") { Description = "mem for the task (MB).", DefaultValueFactory = _ => 32 };
        var name = new Option<string>("--name") { Description = "Task and framework name.", DefaultValueFactory = _ => "bridge-run" };
        var role = new Option<string>("--role") { Description = "Role to run in.", DefaultValueFactory = _ => "*" };
        var argv = new Argument<string[]>("command") { Description = "The command (after --).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("run", "Run one command as a task and stream its output (like mesos-execute).") { master, cpus, mem, name, role, argv };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Shutdown.MastersOrReport(parse.GetValue(master)!, "run") is not { } masters) return 2;
            var task = TaskOf(parse.GetValue(name)!, parse.GetValue(argv)!, parse.GetValue(cpus), parse.GetValue(mem));
            var framework = new FrameworkInfo { Name = parse.GetValue(name), User = System.Environment.UserName, Roles = { parse.GetValue(role) }, Checkpoint = true };
            var scheduler = new RunScheduler(task);
            await using var driver = new SchedulerDriver(masters[0], framework, scheduler, new SchedulerDriverOptions { OtherMasters = masters.Skip(1).ToList() });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var interrupted = Shutdown.WaitAsync(stop.Token).ContinueWith(_ => stop.Cancel(), TaskScheduler.Default);
            try
            {
                var running = driver.RunAsync(stop.Token);
                var done = await Task.WhenAny(scheduler.Done, running);
                if (done == running)
                {
                    await running; // surfaces a rejected subscription
                    if (!scheduler.Done.IsCompleted)
                    {
                        // Interrupted: closing the subscription ends the framework (failover_timeout 0), so the master kills the task.
                        Console.Error.WriteLine("bridge run: interrupted");
                        return 130;
                    }
                }
                var code = await scheduler.Done;
                await scheduler.DrainOutputAsync();
                await driver.TeardownAsync();
                return code;
            }
            catch (RpcException e)
            {
                Console.Error.WriteLine($"bridge run: {e.StatusCode}: {e.Status.Detail}");
                return 1;
            }
            finally
            {
                stop.Cancel();
                await interrupted;
            }
        });
        return command;
    }

    private static TaskInfo TaskOf(string name, string[] argv, double cpus, double mem)
    {
        var command = argv.Length == 1
            ? new CommandInfo { Shell = true, Value = argv[0] }
            : new CommandInfo { Shell = false, Value = argv[0], Arguments = { argv } };
        return new TaskInfo
        {
            Name = name,
            TaskId = new TaskID { Value = $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 13, 255)] },
            Command = command,
            Resources =
            {
                new Kernel.V1.Resource { Name = "cpus", Type = Value.Types.Type.Scalar, Scalar = new() { Value = cpus } },
                new Kernel.V1.Resource { Name = "mem", Type = Value.Types.Type.Scalar, Scalar = new() { Value = mem } },
            },
        };
    }

    private sealed class RunScheduler(TaskInfo task) : Scheduler
    {
        private readonly TaskCompletionSource<int> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly double _cpus = task.Resources[0].Scalar.Value;
        private readonly double _mem = task.Resources[1].Scalar.Value;
        private SandboxTail? _tail;
        private bool _launched;

        public Task<int> Done => _done.Task;

        public Task DrainOutputAsync() => _tail?.StopAsync() ?? Task.CompletedTask;

        public override async Task OffersAsync(SchedulerDriver driver, IReadOnlyList<Offer> offers)
        {
            foreach (var offer in offers)
            {
                if (!_launched && Fits(offer))
                {
                    _launched = true;
                    task.Resources[0].AllocationInfo = offer.AllocationInfo;
                    task.Resources[1].AllocationInfo = offer.AllocationInfo;
                    await driver.LaunchAsync(offer, [task]);
                }
                else await driver.DeclineAsync([offer.Id], refuseSeconds: 3600,
                    reason: _launched ? "the task is launched; no more offers needed" : "not enough unreserved cpus and mem for the task");
            }
        }

        private bool Fits(Offer offer) =>
            offer.Resources.Where(r => r.Name == "cpus" && r.Reservations.Count == 0).Sum(r => r.Scalar.Value) >= _cpus &&
            offer.Resources.Where(r => r.Name == "mem" && r.Reservations.Count == 0).Sum(r => r.Scalar.Value) >= _mem;

        public override async Task UpdateAsync(SchedulerDriver driver, TaskStatus status)
        {
            if (status.TaskId.Value != task.TaskId.Value) return;
            if (status.State == TaskState.TaskRunning && _tail is null)
                _tail = await SandboxTail.StartAsync(driver.Master, status.AgentId, driver.FrameworkId!, task.TaskId);
            if (!TaskStates.IsTerminal(status.State)) return;
            if (status.State != TaskState.TaskFinished)
                Console.Error.WriteLine($"bridge run: {TaskStates.Name(status.State)}: {status.Message}");
            _done.TrySetResult(status.HasExitCode ? status.ExitCode : status.State == TaskState.TaskFinished ? 0 : 1);
        }

        public override Task ErrorAsync(SchedulerDriver driver, string message)
        {
            Console.Error.WriteLine($"bridge run: {message}");
            _done.TrySetResult(1);
            return Task.CompletedTask;
        }
    }

    /// <summary>Follows a task's stdout and stderr through its agent's <c>/files/read</c>.</summary>
    private sealed class SandboxTail
    {
        private readonly HttpClient _http;
        private readonly string _base;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _follow;
        private long _out;
        private long _err;

        private SandboxTail(HttpClient http, string baseUri)
        {
            _http = http;
            _base = baseUri;
            _follow = FollowAsync();
        }

        public static async Task<SandboxTail?> StartAsync(Uri master, AgentID agentId, FrameworkID frameworkId, TaskID taskId)
        {
            using var channel = RpcChannel.ForAddress(master);
            var agents = await new OperatorClient(channel).Call(new Kernel.V1.Operator.Call { Type = Kernel.V1.Operator.Call.Types.Type.GetAgents });
            var agent = agents.GetAgents.Agents.FirstOrDefault(a => a.AgentInfo.Id?.Value == agentId.Value);
            if (agent is null || agent.AgentInfo.Address.Length == 0) return null;
            var sandbox = $"{frameworkId.Value}/{taskId.Value}";
            return new SandboxTail(new HttpClient(), $"http://{agent.AgentInfo.Address}/files/read?path={Uri.EscapeDataString(sandbox)}/");
        }

        private async Task FollowAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                await PollAsync();
                try
                {
                    await Task.Delay(200, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        private async Task PollAsync()
        {
            _out = await ReadAsync("stdout", _out, Console.Out);
            _err = await ReadAsync("stderr", _err, Console.Error);
        }

        private async Task<long> ReadAsync(string file, long offset, TextWriter to)
        {
            try
            {
                var chunk = await _http.GetFromJsonAsync<Chunk>($"{_base}{file}&offset={offset.ToString(CultureInfo.InvariantCulture)}");
                if (chunk is null || chunk.Data.Length == 0) return offset;
                await to.WriteAsync(chunk.Data);
                await to.FlushAsync();
                return offset + System.Text.Encoding.UTF8.GetByteCount(chunk.Data);
            }
            catch (HttpRequestException)
            {
                return offset; // not there yet, or the agent is away: try again
            }
        }

        public async Task StopAsync()
        {
            _stop.Cancel();
            await _follow;
            await PollAsync(); // what was written after the last poll
            _http.Dispose();
        }

        private sealed record Chunk([property: JsonPropertyName("data")] string Data, [property: JsonPropertyName("offset")] long Offset);
    }
}
