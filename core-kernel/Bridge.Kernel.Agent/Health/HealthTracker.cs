using Bridge.Kernel.V1;

namespace Bridge.Kernel.Agent.Health;

/// <summary>
/// A health check's timing with Mesos' defaults filled in for unset fields: delay 15 s, interval
/// 10 s, timeout 20 s (zero: none), 3 consecutive failures, grace period 10 s.
/// </summary>
internal readonly record struct HealthCheckTiming(TimeSpan Delay, TimeSpan Interval, TimeSpan? Timeout, int ConsecutiveFailures, TimeSpan GracePeriod)
{
    public static HealthCheckTiming From(HealthCheck check) => new(
        TimeSpan.FromSeconds(check.HasDelaySeconds ? check.DelaySeconds : 15),
        TimeSpan.FromSeconds(check.HasIntervalSeconds ? check.IntervalSeconds : 10),
        (check.HasTimeoutSeconds ? check.TimeoutSeconds : 20) is var t && t > 0 ? TimeSpan.FromSeconds(t) : null,
        // Mesos kills once failures >= consecutive_failures, so an explicit 0 acts like 1.
        (int)Math.Clamp(check.HasConsecutiveFailures ? check.ConsecutiveFailures : 3, 1, int.MaxValue),
        TimeSpan.FromSeconds(check.HasGracePeriodSeconds ? check.GracePeriodSeconds : 10));
}

/// <summary>What one check's result means for the task.</summary>
/// <param name="Counted">False when a failure fell in the grace period before any success (ignored).</param>
/// <param name="Changed">The task's reported health differs from the last report (or there was none).</param>
/// <param name="Kill">Consecutive failures reached the limit: the task must be killed.</param>
/// <param name="ConsecutiveFailures">Counted failures in a row, after this result.</param>
internal readonly record struct HealthVerdict(bool Counted, bool Changed, bool Kill, int ConsecutiveFailures);

/// <summary>
/// The health state machine of Mesos' <c>HealthCheckerProcess</c>, without I/O: a failure within
/// the grace period (measured from the checker's start) is ignored while the task has never been
/// healthy; after the first success every failure counts. A report is due on the first counted
/// result and whenever health flips; a kill once the counted failures in a row reach the limit.
/// </summary>
internal sealed class HealthTracker(HealthCheckTiming timing)
{
    private bool _initializing = true;
    private bool? _reported;
    private int _failures;

    /// <summary>Counted failures in a row so far.</summary>
    public int ConsecutiveFailures => _failures;

    /// <summary>Records one check's result, <paramref name="sinceStart"/> after the checker started.</summary>
    public HealthVerdict Record(bool healthy, TimeSpan sinceStart)
    {
        if (healthy)
        {
            _initializing = false;
            _failures = 0;
            var becameHealthy = _reported != true;
            _reported = true;
            return new HealthVerdict(true, becameHealthy, false, 0);
        }
        if (_initializing && sinceStart <= timing.GracePeriod) return new HealthVerdict(false, false, false, _failures);
        _failures++;
        var becameUnhealthy = _reported != false;
        _reported = false;
        return new HealthVerdict(true, becameUnhealthy, _failures >= timing.ConsecutiveFailures, _failures);
    }
}
