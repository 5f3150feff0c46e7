using System.Diagnostics.CodeAnalysis;

namespace Bridge.Schedulers.Services.Definitions;

/// <summary>
/// An app's id (Marathon <c>PathId</c>): an absolute path of segments, <c>/group/app</c>. Each
/// segment is one or more dot-separated labels of lowercase letters, digits and '-', every label
/// starting and ending with a letter or digit (<c>web</c>, <c>api-v2</c>, <c>my.app</c>). A relative
/// id (<c>web</c>) is made absolute (<c>/web</c>); leading, trailing and repeated slashes are
/// dropped, as Marathon does. Refused: an empty id, <c>.</c> and <c>..</c> segments (Marathon resolves
/// them against a group; the services scheduler has no groups), and a last segment that is one of
/// Marathon's reserved words <c>restart</c>, <c>tasks</c>, <c>versions</c> (they are REST sub-paths).
/// Source: Marathon <c>PathId</c> (state/PathId.scala) and <c>strings.PathId</c> in the RAML types.
/// </summary>
public readonly record struct AppId
{
    private static readonly string[] Reserved = ["restart", "tasks", "versions"];

    /// <summary>The canonical absolute form, e.g. <c>/prod/web</c>.</summary>
    public string Value { get; }

    private AppId(string value) => Value = value;

    /// <summary>Parses and canonicalizes an id.</summary>
    /// <param name="text">The id as written, e.g. <c>web</c>, <c>/prod/web/</c>.</param>
    /// <param name="id">The canonical id when valid.</param>
    /// <param name="error">Why the id is invalid (Marathon's wording where it has one), else null.</param>
    public static bool TryParse([NotNullWhen(true)] string? text, out AppId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        var segments = (text ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            error = "Path must contain at least one path element";
            return false;
        }
        foreach (var segment in segments)
            if (SegmentProblem(segment) is { } problem)
            {
                error = problem;
                return false;
            }
        if (Reserved.Contains(segments[^1]))
        {
            error = "must not end with any of the following reserved keywords: restart, tasks, versions, ., ..";
            return false;
        }
        id = new AppId("/" + string.Join('/', segments));
        error = null;
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">The id is invalid; the message says why.</exception>
    public static AppId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException($"invalid app id '{text}': {error}");

    /// <summary>The segments, e.g. <c>["prod", "web"]</c> for <c>/prod/web</c>.</summary>
    public IReadOnlyList<string> Segments => (Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The canonical form, <see cref="Value"/>.</summary>
    public override string ToString() => Value ?? "";

    private static string? SegmentProblem(string segment)
    {
        if (segment is "." or "..")
            return $"'{segment}' path segments are not supported: ids are absolute (there are no groups to resolve them against)";
        foreach (var label in segment.Split('.'))
        {
            bool ok = label.Length > 0 && IsAlnum(label[0]) && IsAlnum(label[^1]) && label.All(c => IsAlnum(c) || c == '-');
            if (!ok)
                return $"path segment '{segment}' must be dot-separated names of lowercase letters, digits and '-', "
                    + "each starting and ending with a letter or digit";
        }
        return null;
    }

    private static bool IsAlnum(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';
}
