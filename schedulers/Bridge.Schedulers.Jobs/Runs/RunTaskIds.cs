using System.Globalization;
using Bridge.Schedulers.Jobs.Definitions;

namespace Bridge.Schedulers.Jobs.Runs;

/// <summary>
/// The kernel task ids of runs: <c>bridge-job:{job}:{number}:{attempt}</c>, e.g.
/// <c>bridge-job:backup:12:0</c>. Job names are letters, digits, <c>_ . -</c> (no <c>:</c>), so the
/// id reads back unambiguously; the kernel allows 255 characters (Mesos' rule,
/// <c>IdValidation</c>), which a name of at most <see cref="MaxJobNameLength"/> characters keeps to.
/// </summary>
/// <remarks>Chronos' own ids are <c>ct:{due ms}:{attempt}:{job}:{arguments}</c>; a run number instead
/// of the due time keeps two runs due at the same instant (ALLOW, run-now) apart.</remarks>
public static class RunTaskIds
{
    /// <summary>The prefix every run's task id starts with.</summary>
    public const string Prefix = "bridge-job:";

    /// <summary>The longest job name the scheduler takes (200): the prefix (11), the name, and a
    /// run number (up to 19 digits) and attempt (up to 10) with their colons make at most 242
    /// characters, within the kernel's 255.</summary>
    public const int MaxJobNameLength = 200;

    /// <summary>The task id of attempt <paramref name="attempt"/> of run <paramref name="number"/> of
    /// <paramref name="job"/>.</summary>
    public static string For(JobName job, long number, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{job}:{number}:{attempt}");
}
