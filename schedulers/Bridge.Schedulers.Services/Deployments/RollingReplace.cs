namespace Bridge.Schedulers.Services.Deployments;

/// <summary>
/// Where a rolling replacement stands: the app's target instance count and its upgrade strategy,
/// and its instances of the old versions and of the new one, counted by health.
/// </summary>
/// <param name="Instances">Target instance count of the new version (at least 0).</param>
/// <param name="MinimumHealthCapacity">Marathon's <c>upgradeStrategy.minimumHealthCapacity</c>, in [0, 1]: the
/// share of <paramref name="Instances"/> that must stay healthy throughout.</param>
/// <param name="MaximumOverCapacity">Marathon's <c>upgradeStrategy.maximumOverCapacity</c>, in [0, 1]: how far past
/// <paramref name="Instances"/> the old and new instances together may go.</param>
/// <param name="OldAlive">Old-version instances launched and not being killed.</param>
/// <param name="OldHealthy">Of those, the healthy ones (running and passing health checks, or running without checks).</param>
/// <param name="NewAlive">New-version instances launched (or being launched) and not being killed.</param>
/// <param name="NewHealthy">Of those, the healthy ones.</param>
public readonly record struct ReplaceState(
    int Instances, double MinimumHealthCapacity, double MaximumOverCapacity,
    int OldAlive, int OldHealthy, int NewAlive, int NewHealthy);

/// <summary>What to do next in a rolling replacement.</summary>
/// <param name="StartNew">New instances to launch now.</param>
/// <param name="KillOld">Old instances to kill now (unhealthy ones first).</param>
/// <param name="Done">Every old instance is gone and <c>Instances</c> new ones are healthy.</param>
public readonly record struct ReplaceStep(int StartNew, int KillOld, bool Done);

/// <summary>
/// The rolling replacement of an app's instances by a new version (a restart, or an upgrade), as
/// Marathon does it: at least ⌈instances × minimumHealthCapacity⌉ instances stay healthy, and at most
/// ⌊instances × (1 + maximumOverCapacity)⌋ run at once. Each step kills what the healthy floor
/// allows and starts what the ceiling allows; the deployment calls it again whenever an instance
/// changes (becomes healthy, fails, ends), until <see cref="ReplaceStep.Done"/>. Pure.
/// <para>
/// When the floor equals the ceiling and every slot is taken (e.g. minimumHealthCapacity 1 with
/// maximumOverCapacity 0), no move keeps both bounds; Marathon then kills one old instance to make
/// room, and so does this (the floor dips by one for that instance's replacement).
/// </para>
/// </summary>
public static class RollingReplace
{
    /// <summary>Healthy instances that must remain: ⌈instances × minimumHealthCapacity⌉.</summary>
    public static int MinimumHealthy(int instances, double minimumHealthCapacity) =>
        (int)Math.Ceiling(instances * minimumHealthCapacity - 1e-9);

    /// <summary>Instances (old and new) that may run at once: ⌊instances × (1 + maximumOverCapacity)⌋.</summary>
    public static int MaximumCapacity(int instances, double maximumOverCapacity) =>
        (int)Math.Floor(instances * (1 + maximumOverCapacity) + 1e-9);

    /// <summary>The next step from <paramref name="state"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, a healthy count exceeds its alive count, or a capacity is outside [0, 1].</exception>
    public static ReplaceStep Next(ReplaceState state)
    {
        Validate(state);
        var minHealthy = MinimumHealthy(state.Instances, state.MinimumHealthCapacity);
        var maxCapacity = MaximumCapacity(state.Instances, state.MaximumOverCapacity);
        if (state.OldAlive == 0 && state.NewHealthy >= state.Instances)
            return new ReplaceStep(0, 0, Done: true);

        // Kill old instances while the healthy count stays at the floor: unhealthy old ones cost nothing.
        var oldUnhealthy = state.OldAlive - state.OldHealthy;
        var healthySpare = Math.Max(0, state.OldHealthy + state.NewHealthy - minHealthy);
        var kill = Math.Min(state.OldAlive, oldUnhealthy + Math.Min(state.OldHealthy, healthySpare));
        // Old instances beyond what the new version will need are not kept for capacity's sake either.
        var oldLeft = state.OldAlive - kill;

        // Start new instances up to the target and within the ceiling.
        var start = Math.Max(0, Math.Min(state.Instances - state.NewAlive, maxCapacity - oldLeft - state.NewAlive));

        if (kill == 0 && start == 0 && state.NewAlive == state.NewHealthy && oldLeft > 0)
        {
            // Stuck: nothing starting and nothing may go. Marathon's way out: kill one old instance.
            kill = 1;
            start = Math.Max(0, Math.Min(state.Instances - state.NewAlive, maxCapacity - (oldLeft - 1) - state.NewAlive));
        }
        return new ReplaceStep(start, kill, Done: false);
    }

    private static void Validate(ReplaceState s)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(s.Instances, nameof(s.Instances));
        ArgumentOutOfRangeException.ThrowIfNegative(s.OldHealthy, nameof(s.OldHealthy));
        ArgumentOutOfRangeException.ThrowIfNegative(s.NewHealthy, nameof(s.NewHealthy));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(s.OldHealthy, s.OldAlive, nameof(s.OldHealthy));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(s.NewHealthy, s.NewAlive, nameof(s.NewHealthy));
        if (s.MinimumHealthCapacity is < 0 or > 1 || double.IsNaN(s.MinimumHealthCapacity))
            throw new ArgumentOutOfRangeException(nameof(s.MinimumHealthCapacity), s.MinimumHealthCapacity, "minimumHealthCapacity must be in [0, 1]");
        if (s.MaximumOverCapacity is < 0 or > 1 || double.IsNaN(s.MaximumOverCapacity))
            throw new ArgumentOutOfRangeException(nameof(s.MaximumOverCapacity), s.MaximumOverCapacity, "maximumOverCapacity must be in [0, 1]");
    }
}
