namespace Bridge.Schedulers.Services.Launching;

/// <summary>
/// An app's launch backoff, as Marathon's <c>backoffSeconds</c>, <c>backoffFactor</c> and
/// <c>maxLaunchDelaySeconds</c> define it: after the first failure of an instance the next launch
/// waits <see cref="Initial"/>; each further failure multiplies the wait by <see cref="Factor"/>, up to
/// <see cref="Max"/>.
/// </summary>
/// <param name="Initial">The first wait (Marathon's <c>backoffSeconds</c>, default 1 s).</param>
/// <param name="Factor">The growth per failure (Marathon's <c>backoffFactor</c>, default 1.15; at least 1).</param>
/// <param name="Max">The longest wait (Marathon's <c>maxLaunchDelaySeconds</c>).</param>
public sealed record BackoffPolicy(TimeSpan Initial, double Factor, TimeSpan Max);

/// <summary>
/// Where an app's launch backoff stands: how many instances failed in a row, the current wait and
/// when launching may resume. An app whose wait has reached <see cref="BackoffPolicy.Max"/> is in
/// <see cref="InCooldown">cooldown</see>: it keeps failing, and <c>/v2/queue</c> says so. Immutable; each
/// event returns the next value. Pure: the caller passes the time.
/// <para>
/// Reset, as Marathon: when the app gets a new version (a changed definition), and when an instance
/// of it has stayed up (running, and healthy when it has health checks) for as long as the current
/// wait, proof that the failures have stopped.
/// </para>
/// </summary>
public sealed record LaunchDelay
{
    /// <summary>No failures: launches may go at once.</summary>
    public static readonly LaunchDelay None = new();

    /// <summary>Instances that failed since the last reset.</summary>
    public int Failures { get; private init; }

    /// <summary>The current wait after a failure (zero before any).</summary>
    public TimeSpan Wait { get; private init; }

    /// <summary>Launches may go from this instant on (<see cref="DateTimeOffset.MinValue"/> before any failure).</summary>
    public DateTimeOffset NotBefore { get; private init; } = DateTimeOffset.MinValue;

    /// <summary>The wait has reached the policy's maximum: the app fails again and again.</summary>
    public bool InCooldown { get; private init; }

    /// <summary>An instance failed at <paramref name="now"/>: the wait grows and launching pauses.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BackoffPolicy.Factor"/> is below 1, or a wait is negative.</exception>
    public LaunchDelay Failed(BackoffPolicy policy, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(policy.Factor, 1.0, nameof(policy.Factor));
        ArgumentOutOfRangeException.ThrowIfLessThan(policy.Initial, TimeSpan.Zero, nameof(policy.Initial));
        ArgumentOutOfRangeException.ThrowIfLessThan(policy.Max, TimeSpan.Zero, nameof(policy.Max));
        var wait = Failures == 0 ? policy.Initial : TimeSpan.FromTicks((long)Math.Min(Wait.Ticks * policy.Factor, TimeSpan.MaxValue.Ticks / 2.0));
        if (wait >= policy.Max) wait = policy.Max;
        return new LaunchDelay { Failures = Failures + 1, Wait = wait, NotBefore = now + wait, InCooldown = wait >= policy.Max && Failures > 0 };
    }

    /// <summary>Whether a launch may go at <paramref name="now"/>.</summary>
    public bool Allows(DateTimeOffset now) => now >= NotBefore;

    /// <summary>Time left before launches may go (zero when they may).</summary>
    public TimeSpan TimeLeft(DateTimeOffset now) => now >= NotBefore ? TimeSpan.Zero : NotBefore - now;

    /// <summary>An instance that started at <paramref name="upSince"/> is still up at <paramref name="now"/>:
    /// after as long as the current wait, the failures are forgotten.</summary>
    public LaunchDelay StayedUp(DateTimeOffset upSince, DateTimeOffset now) =>
        Failures > 0 && now - upSince >= Wait ? None : this;
}
