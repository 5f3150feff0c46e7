namespace Bridge.Eventing.Security;

/// <summary>What a session may do with a topic.</summary>
public enum BusAccess
{
    /// <summary>Read records (scope <c>bus:read:&lt;pattern&gt;</c>).</summary>
    Read,

    /// <summary>Write records (scope <c>bus:write:&lt;pattern&gt;</c>). Does not imply read.</summary>
    Write,
}

/// <summary>
/// Who a validated bearer token speaks for and what it grants. Topic grants come from scopes of the
/// form <c>bus:read:&lt;pattern&gt;</c> and <c>bus:write:&lt;pattern&gt;</c>, where the pattern is an exact
/// topic name or a prefix ending in <c>*</c> (<c>bus:read:bridge.*</c> covers every topic starting
/// <c>bridge.</c>; <c>bus:read:*</c> covers all). Other scopes, and <c>bus:</c> scopes of any other shape
/// (another verb, an empty pattern, a <c>*</c> not at the end), grant nothing on the bus. Immutable.
/// </summary>
public sealed class BusPrincipal
{
    private const string ReadPrefix = "bus:read:";
    private const string WritePrefix = "bus:write:";

    private readonly (BusAccess Access, string Pattern, bool IsPrefix)[] _grants;

    /// <summary>A principal with these scopes.</summary>
    /// <param name="subject">The token's <c>sub</c> claim.</param>
    /// <param name="scopes">Every scope the token carries, in token order (duplicates removed).</param>
    /// <param name="expiresAt">The token's <c>exp</c>.</param>
    public BusPrincipal(string subject, IEnumerable<string> scopes, DateTimeOffset expiresAt)
    {
        Subject = subject;
        Scopes = scopes.Distinct(StringComparer.Ordinal).ToArray();
        ExpiresAt = expiresAt;
        _grants = Scopes.Select(ParseGrant).OfType<(BusAccess, string, bool)>().ToArray();
    }

    /// <summary>The token's subject (<c>sub</c>): the client's identity at the issuer.</summary>
    public string Subject { get; }

    /// <summary>Every scope the token carries, bus scopes or not.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>When the token expires (<c>exp</c>); a session should end or re-authenticate by then.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>True when some scope grants <paramref name="access"/> to <paramref name="topic"/> (ordinal comparison).</summary>
    public bool Allows(string topic, BusAccess access)
    {
        if (string.IsNullOrEmpty(topic)) return false;
        foreach (var (grantAccess, pattern, isPrefix) in _grants)
            if (grantAccess == access && (isPrefix ? topic.StartsWith(pattern, StringComparison.Ordinal) : topic == pattern))
                return true;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Subject} [{string.Join(' ', Scopes)}] until {ExpiresAt:O}";

    private static (BusAccess, string, bool)? ParseGrant(string scope)
    {
        BusAccess access;
        string pattern;
        if (scope.StartsWith(ReadPrefix, StringComparison.Ordinal)) (access, pattern) = (BusAccess.Read, scope[ReadPrefix.Length..]);
        else if (scope.StartsWith(WritePrefix, StringComparison.Ordinal)) (access, pattern) = (BusAccess.Write, scope[WritePrefix.Length..]);
        else return null;
        var star = pattern.IndexOf('*');
        if (pattern.Length == 0 || (star >= 0 && star != pattern.Length - 1)) return null;
        return star < 0 ? (access, pattern, false) : (access, pattern[..^1], true);
    }
}
