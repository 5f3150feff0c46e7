using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;

namespace Bridge.Kernel.Scheduler;

/// <summary>Command tasks as most frameworks write them: a shell command with cpus and mem.</summary>
public static class CommandTask
{
    /// <summary>
    /// A task named and identified <paramref name="id"/> that runs <paramref name="command"/> under
    /// <c>/bin/sh -c</c> on the agent's command executor, using <paramref name="cpus"/> (cores,
    /// default 0.1) and <paramref name="memMb"/> (MB, default 32, the agent's minimum) of unreserved
    /// resources. Its agent id is left for <see cref="SchedulerDriver.LaunchAsync"/> to fill in.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="id"/> is not a valid task id (empty, too long, '/' ...), or <paramref name="command"/> is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cpus"/> or <paramref name="memMb"/> is negative or not finite, or both are zero.</exception>
    public static TaskInfo Create(string id, string command, double cpus = 0.1, double memMb = 32)
    {
        if (IdValidation.Validate(id) is { } problem) throw new ArgumentException($"task id {problem}", nameof(id));
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        if (!double.IsFinite(cpus) || cpus < 0) throw new ArgumentOutOfRangeException(nameof(cpus), cpus, "cpus must be a finite number of cores, at least 0");
        if (!double.IsFinite(memMb) || memMb < 0) throw new ArgumentOutOfRangeException(nameof(memMb), memMb, "mem must be a finite number of MB, at least 0");
        if (cpus == 0 && memMb == 0) throw new ArgumentOutOfRangeException(nameof(cpus), "a task needs cpus or mem");
        return new TaskInfo
        {
            Name = id,
            TaskId = new TaskID { Value = id },
            Command = new CommandInfo { Shell = true, Value = command },
            Resources = { Scalar("cpus", cpus), Scalar("mem", memMb) },
        };
    }

    private static V1.Resource Scalar(string name, double value) =>
        new() { Name = name, Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = value } };
}

/// <summary>Offer arithmetic a scheduler needs to decide what to launch where.</summary>
public static class OfferExtensions
{
    /// <summary>
    /// Takes tasks from the front of <paramref name="pending"/> for as long as the next one fits in
    /// what <paramref name="offer"/> has left after the ones already taken, by the rule the master
    /// applies to an ACCEPT (every resource: scalars, ranges, sets, reservations). Returns the taken
    /// tasks in order (empty when the first does not fit); the rest stay queued.
    /// Cost: O(tasks x resources).
    /// </summary>
    /// <exception cref="InvalidMessageException">The offer's or a task's resources are malformed (the message names the field).</exception>
    public static IReadOnlyList<TaskInfo> TakeFitting(this Offer offer, Queue<TaskInfo> pending)
    {
        var left = ResourceConversion.ToModel(offer.Resources, "offer.resources");
        var taken = new List<TaskInfo>();
        while (pending.TryPeek(out var next) && left.TryMinus(ResourceConversion.ToModel(next.Resources, $"task {next.TaskId?.Value}.resources"), out var rest))
        {
            left = rest;
            taken.Add(pending.Dequeue());
        }
        return taken;
    }
}
