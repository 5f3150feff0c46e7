using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Yarn.ResourceManager.Records;

/// <summary>
/// One attempt of an application, written <c>appattempt_{clusterTimestamp}_{app}_{attempt}</c> with the
/// application id padded to 4 digits and the attempt to 6 (Hadoop's <c>ApplicationAttemptId.toString</c>,
/// e.g. <c>appattempt_1410901177871_0001_000001</c>).
/// </summary>
/// <param name="ApplicationId">The application.</param>
/// <param name="AttemptId">The attempt number, from 1.</param>
public readonly record struct ApplicationAttemptId(ApplicationId ApplicationId, int AttemptId)
{
    /// <summary>The text prefix, <c>appattempt</c>.</summary>
    public const string Prefix = "appattempt";

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Prefix}_{ApplicationId.ClusterTimestamp}_{ApplicationId.Id:D4}_{AttemptId:D6}");

    /// <summary>Parses <c>appattempt_{ts}_{app}_{attempt}</c>.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not an attempt id.</exception>
    public static ApplicationAttemptId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"Invalid AppAttemptId: {text}");

    /// <summary>Parses <c>appattempt_{ts}_{app}_{attempt}</c>; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ApplicationAttemptId id)
    {
        id = default;
        if (text is null) return false;
        var parts = text.Split('_');
        if (parts.Length != 4 || parts[0] != Prefix) return false;
        if (!ApplicationId.TryParseTail(parts, 1, out var app) || !RecordText.TryInt(parts[3], out var attempt)) return false;
        id = new ApplicationAttemptId(app, attempt);
        return true;
    }
}
