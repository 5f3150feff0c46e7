using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Bridge.Yarn.ResourceManager.Records;

/// <summary>
/// A container, written <c>container_{ts}_{app}_{attempt}_{seq}</c> (app 4 digits, attempt 2, sequence 6),
/// or <c>container_e{epoch}_{ts}_{app}_{attempt}_{seq}</c> (epoch at least 2 digits) when the
/// ResourceManager's epoch is above 0, as Hadoop's <c>ContainerId.toString</c>
/// (e.g. <c>container_1410901177871_0001_01_000005</c>, <c>container_e17_1410901177871_0001_01_000005</c>).
/// Hadoop packs epoch and sequence into one long (<c>epoch &lt;&lt; 40 | sequence</c>); see <see cref="ContainerIdLong"/>.
/// </summary>
/// <param name="ApplicationAttemptId">The attempt the container was allocated to.</param>
/// <param name="Epoch">The ResourceManager's epoch (restarts with recovery; 0 here).</param>
/// <param name="SequenceNumber">The container's number within its attempt, from 1 (1 is the AM's container); below 2^40.</param>
public readonly record struct ContainerId(ApplicationAttemptId ApplicationAttemptId, int Epoch, long SequenceNumber)
{
    /// <summary>The text prefix, <c>container</c>.</summary>
    public const string Prefix = "container";

    private const long SequenceMask = (1L << 40) - 1;

    /// <summary>Hadoop's packed <c>containerId</c> long: <c>epoch &lt;&lt; 40 | sequenceNumber</c>.</summary>
    public long ContainerIdLong => ((long)Epoch << 40) | (SequenceNumber & SequenceMask);

    /// <inheritdoc />
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var app = ApplicationAttemptId.ApplicationId;
        var sb = new StringBuilder(Prefix).Append('_');
        if (Epoch > 0) sb.Append('e').Append(Epoch.ToString("D2", inv)).Append('_');
        return sb.Append(inv, $"{app.ClusterTimestamp}_{app.Id:D4}_{ApplicationAttemptId.AttemptId:D2}_{SequenceNumber:D6}").ToString();
    }

    /// <summary>Parses either container id form.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not a container id.</exception>
    public static ContainerId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"Invalid ContainerId: {text}");

    /// <summary>Parses either container id form; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ContainerId id)
    {
        id = default;
        if (text is null) return false;
        var parts = text.Split('_');
        if (parts.Length is not (5 or 6) || parts[0] != Prefix) return false;
        var epoch = 0;
        var at = 1;
        if (parts.Length == 6)
        {
            if (parts[1].Length < 2 || parts[1][0] != 'e' || !RecordText.TryInt(parts[1][1..], out epoch)) return false;
            at = 2;
        }
        if (!ApplicationId.TryParseTail(parts, at, out var app)
            || !RecordText.TryInt(parts[at + 2], out var attempt)
            || !RecordText.TryLong(parts[at + 3], out var seq) || seq > SequenceMask) return false;
        id = new ContainerId(new ApplicationAttemptId(app, attempt), epoch, seq);
        return true;
    }
}
