namespace Bridge.Schedulers.Jobs.Definitions;

/// <summary>
/// What happens when a job's run is due while another of its runs is still active
/// (Metronome's <c>concurrencyPolicy</c>; Chronos' <c>concurrent</c> is the same choice as a flag).
/// </summary>
public enum ConcurrencyPolicy
{
    /// <summary>Start another run (Metronome <c>ALLOW</c>, Chronos <c>concurrent: true</c>).</summary>
    Allow,

    /// <summary>Skip the due run while one is active (Metronome <c>FORBID</c>, Chronos
    /// <c>concurrent: false</c>).</summary>
    Forbid,
}
