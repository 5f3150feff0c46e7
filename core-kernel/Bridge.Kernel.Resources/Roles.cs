namespace Bridge.Kernel;

/// <summary>
/// Role names and the role hierarchy (Mesos hierarchical roles: <c>eng/hadoop</c> is a
/// child of <c>eng</c>). The default role <c>*</c> means "unreserved".
/// </summary>
public static class Roles
{
    /// <summary>The default role, <c>*</c>: unreserved resources carry it.</summary>
    public const string Default = "*";

    /// <summary>
    /// Checks a role name against Mesos' rules: non-empty; not <c>.</c> or <c>..</c>;
    /// no leading <c>-</c>; no whitespace, control characters, or backslash; segments
    /// separated by single <c>/</c> and each segment not <c>.</c>, <c>..</c> or empty.
    /// <c>*</c> is valid only as the whole name.
    /// </summary>
    /// <returns>Null when valid, else the reason.</returns>
    public static string? Validate(string? role)
    {
        if (string.IsNullOrEmpty(role)) return "role name is empty";
        if (role == Default) return null;
        foreach (var segment in role.Split('/'))
        {
            if (segment.Length == 0) return $"role '{role}' has an empty path segment";
            if (segment is "." or "..") return $"role '{role}' has a '{segment}' path segment";
            if (segment[0] == '-') return $"role '{role}' has a segment starting with '-'";
            if (segment == Default) return $"role '{role}' uses '*' as a path segment";
            foreach (char c in segment)
                if (char.IsWhiteSpace(c) || char.IsControl(c) || c == '\\' || c == '*')
                    return $"role '{role}' contains an invalid character (U+{(int)c:X4})";
        }
        return null;
    }

    /// <summary>Throws when <see cref="Validate"/> finds a problem.</summary>
    /// <exception cref="ArgumentException">The role name is invalid.</exception>
    public static string Require(string? role, string paramName = "role") =>
        Validate(role) is { } error ? throw new ArgumentException(error, paramName) : role!;

    /// <summary>The parent of a role (<c>eng</c> for <c>eng/hadoop</c>), or null for a top-level role.</summary>
    public static string? Parent(string role)
    {
        int slash = role.LastIndexOf('/');
        return slash < 0 ? null : role[..slash];
    }

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="role"/> itself or one of its ancestors.
    /// <c>*</c> is everyone's ancestor.</summary>
    public static bool IsSelfOrAncestor(string ancestor, string role) =>
        ancestor == Default
        || role == ancestor
        || (role.Length > ancestor.Length && role[ancestor.Length] == '/' && role.StartsWith(ancestor, StringComparison.Ordinal));
}
