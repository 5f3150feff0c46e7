using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;
using KernelAttributes = Bridge.Kernel.Attributes;
using KernelResources = Bridge.Kernel.Resources;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Schedulers.Jobs.Tests.Runs;

/// <summary>
/// Drives a <see cref="JobScheduler"/> by hand on virtual time: jobs from Chronos JSON, ticks,
/// offers and status updates, each returning the step's <see cref="Decisions"/>.
/// </summary>
internal sealed class Harness(JobSchedulerOptions? options = null)
{
    private int _offers;

    public JobScheduler Scheduler { get; } = new(options);

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    /// <summary>A job from its JSON; the test fails when the JSON is not a valid job.</summary>
    public static JobDefinition Job(string json)
    {
        var parsed = JobJson.Parse(json);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        return parsed.Definition!;
    }

    public Decisions Add(string json, DateTimeOffset now)
    {
        var decisions = new Decisions();
        var change = Scheduler.Add(Job(json), null, now, decisions);
        Assert.True(change.Succeeded, change.Message);
        return decisions;
    }

    public Decisions Tick(DateTimeOffset now) => Step(d => Scheduler.Tick(now, d));

    public Decisions Step(Action<Decisions> step)
    {
        var decisions = new Decisions();
        step(decisions);
        return decisions;
    }

    public Offer OfferOn(string agent, string resources = "cpus:4;mem:4096;disk:10000", string? attributes = null)
    {
        var offer = new Offer
        {
            Id = new OfferID { Value = $"offer-{++_offers}" },
            AgentId = new AgentID { Value = agent },
            FrameworkId = new FrameworkID { Value = "fw-1" },
            Hostname = agent + ".local",
            Url = $"http://{agent}.local:5051",
            Resources = { ResourceConversion.ToWire(KernelResources.Parse(resources)) },
        };
        if (attributes is not null) offer.Attributes.AddRange(ResourceConversion.ToWire(KernelAttributes.Parse(attributes)));
        return offer;
    }

    public Decisions Offers(DateTimeOffset now, params Offer[] offers) => Step(d => Scheduler.OnOffers(offers, now, d));

    public Decisions Status(string taskId, TaskState state, DateTimeOffset now, int? exitCode = null, string message = "")
    {
        var status = new TaskStatus
        {
            TaskId = new TaskID { Value = taskId },
            State = state,
            AgentId = new AgentID { Value = "a1" },
            Message = message,
        };
        if (exitCode is { } code) status.ExitCode = code;
        return Step(d => Scheduler.OnStatus(status, now, d));
    }

    /// <summary>Launches every queued run on one big offer and returns the task ids launched.</summary>
    public List<string> LaunchAll(DateTimeOffset now) =>
        Offers(now, OfferOn("a1", "cpus:100;mem:100000;disk:100000")).Launches.SelectMany(l => l.Tasks).Select(t => t.TaskId.Value).ToList();

    /// <summary>Launches every queued run, reports them running and then finished (or failed).</summary>
    public List<string> RunAll(DateTimeOffset now, bool succeed = true)
    {
        var tasks = LaunchAll(now);
        foreach (var task in tasks)
        {
            Status(task, TaskState.TaskRunning, now);
            Status(task, succeed ? TaskState.TaskFinished : TaskState.TaskFailed, now, succeed ? 0 : 1);
        }
        return tasks;
    }

    public JobState State(string job) => Scheduler.Job(JobName.Parse(job)) ?? throw new InvalidOperationException($"no job {job}");

    public IReadOnlyList<Run> Active(string job) => State(job).Active;

    public IReadOnlyList<Run> History(string job) => State(job).History.ToList();
}
