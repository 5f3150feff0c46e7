using Bridge.Eventing.Publishing;

namespace Bridge.Schedulers.Events;

/// <summary>
/// The topics the schedulers' events are published to, one per scheduler, and their schema registry
/// subjects (TopicNameStrategy: <c>&lt;topic&gt;-value</c>; keys are plain UTF-8 strings).
/// </summary>
public static class SchedulerEventTopics
{
    /// <summary>The services scheduler's events (<see cref="SchedulerEventSchemas.ServiceEvent"/>), keyed by app id.</summary>
    public const string Services = "bridge.services";

    /// <summary>The jobs scheduler's events (<see cref="SchedulerEventSchemas.JobEvent"/>), keyed by job name.</summary>
    public const string Jobs = "bridge.jobs";

    /// <summary>The YARN bridge's events (<see cref="SchedulerEventSchemas.YarnEvent"/>), keyed by NodeManager task id or profile.</summary>
    public const string Yarn = "bridge.yarn";

    /// <summary>The value subject of <paramref name="topic"/>: <c>bridge.services</c> → <c>bridge.services-value</c>.</summary>
    public static string Subject(string topic) => RegisteredTopicPublisher.Subject(topic);
}
