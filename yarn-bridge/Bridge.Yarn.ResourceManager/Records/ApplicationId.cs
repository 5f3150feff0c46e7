using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Yarn.ResourceManager.Records;

/// <summary>
/// A YARN application id: the ResourceManager's start time plus a sequence number, written
/// <c>application_{clusterTimestamp}_{id}</c> with the id zero-padded to at least 4 digits
/// (Hadoop's <c>ApplicationId.toString</c>, e.g. <c>application_1410901177871_0001</c>).
/// </summary>
/// <param name="ClusterTimestamp">The ResourceManager's start time (ms since the Unix epoch).</param>
/// <param name="Id">The application's sequence number within that ResourceManager (from 1).</param>
public readonly record struct ApplicationId(long ClusterTimestamp, int Id) : IComparable<ApplicationId>
{
    /// <summary>The text prefix, <c>application</c>.</summary>
    public const string Prefix = "application";

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}_{ClusterTimestamp}_{Id:D4}");

    /// <summary>Orders by cluster timestamp, then id (Hadoop's <c>compareTo</c>).</summary>
    public int CompareTo(ApplicationId other)
    {
        var c = ClusterTimestamp.CompareTo(other.ClusterTimestamp);
        return c != 0 ? c : Id.CompareTo(other.Id);
    }

    /// <summary>Parses <c>application_{ts}_{id}</c>.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not an application id.</exception>
    public static ApplicationId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"Invalid ApplicationId: {text}");

    /// <summary>Parses <c>application_{ts}_{id}</c>; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ApplicationId id)
    {
        id = default;
        if (text is null) return false;
        var parts = text.Split('_');
        return parts.Length == 3 && parts[0] == Prefix && TryParseTail(parts, 1, out id);
    }

    /// <summary>Reads the timestamp and id at <paramref name="at"/> and <paramref name="at"/>+1.</summary>
    internal static bool TryParseTail(string[] parts, int at, out ApplicationId id)
    {
        id = default;
        if (!RecordText.TryLong(parts[at], out var ts) || !RecordText.TryInt(parts[at + 1], out var n)) return false;
        id = new ApplicationId(ts, n);
        return true;
    }
}

/// <summary>Shared number parsing for the records' text forms: plain non-negative decimal digits only.</summary>
internal static class RecordText
{
    public static bool TryLong(string s, out long value) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && s.Length > 0;

    public static bool TryInt(string s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && s.Length > 0;
}
