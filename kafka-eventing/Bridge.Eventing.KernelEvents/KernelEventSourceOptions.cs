namespace Bridge.Eventing.KernelEvents;

/// <summary>Settings of a <see cref="KernelEventSource"/>. Immutable; create with an object initializer.</summary>
public sealed record KernelEventSourceOptions
{
    /// <summary>After each (re)subscription, emit the master's current state as SNAPSHOT records
    /// (<see cref="KernelEventMapper.Map"/> with <c>includeSnapshot</c>), so a consumer can resync
    /// after a gap (default: false, only changes are emitted).</summary>
    public bool EmitSnapshot { get; init; }

    /// <summary>First wait before subscribing again after the stream broke or ended (default: 1 s);
    /// doubles after each failed attempt up to <see cref="MaxBackoff"/>, and starts over once a
    /// subscription is answered with SUBSCRIBED.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts (default: 30 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The stream counts as broken when this many heartbeat intervals pass without any event
    /// (the master sends a HEARTBEAT after each interval without events; the interval comes with
    /// SUBSCRIBED, and until then Mesos' default of 15 s is assumed). Catches a master that vanished
    /// without closing the connection. 0 turns the check off (default: 3).</summary>
    public int MissedHeartbeats { get; init; } = 3;

    /// <summary>Clock for the backoff and the heartbeat check (default: system).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
