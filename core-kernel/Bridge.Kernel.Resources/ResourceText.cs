namespace Bridge.Kernel;

/// <summary>
/// The Mesos text syntax for resources, as operators write it in <c>--resources</c>:
/// entries separated by <c>;</c>, each <c>name[(role[,principal])][[volume:path]]:value</c>
/// where value is a decimal scalar (<c>4</c>, <c>0.5</c>), ranges (<c>[31000-32000,33000-33010]</c>)
/// or a set (<c>{a,b}</c>). <c>cpus(analytics):2</c> is statically reserved for
/// <c>analytics</c>; <c>cpus(analytics,alice):2</c> is dynamically reserved by principal
/// <c>alice</c>. Whitespace around entries and separators is ignored; empty entries are skipped.
/// Source: Mesos <c>Resources::parse</c> (src/common/resources.cpp) and the
/// "Resources" page of the Mesos docs.
/// </summary>
public static class ResourceText
{
    /// <summary>Parses resources.</summary>
    /// <param name="text">The text, e.g. <c>cpus:4;mem:4096;disk:10000;ports:[31000-32000]</c>.</param>
    /// <param name="defaultRole">Role for entries without one (default <c>*</c>, unreserved;
    /// any other role makes them statically reserved, as an agent's <c>--default_role</c> does).</param>
    /// <returns>The canonical resources (same-kind entries summed).</returns>
    /// <exception cref="ResourceParseException">An entry is malformed; the exception names it and its position.</exception>
    public static Resources Parse(string text, string defaultRole = Roles.Default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Roles.Validate(defaultRole) is { } roleError) throw new ArgumentException(roleError, nameof(defaultRole));
        var parsed = new List<Resource>();
        var types = new Dictionary<string, (ResourceType Type, string Token, int Position)>(StringComparer.Ordinal);
        foreach (var (token, position) in Split(text))
        {
            var resource = ParseEntry(token, position, defaultRole);
            if (types.TryGetValue(resource.Name, out var seen) && seen.Type != resource.Type)
                throw Bad(token, position, $"'{resource.Name}' was {Article(seen.Type)} in '{seen.Token}' but is {Article(resource.Type)} here");
            types[resource.Name] = (resource.Type, token, position);
            parsed.Add(resource);
        }
        try
        {
            return Resources.Of(parsed);
        }
        catch (InvalidOperationException e)
        {
            throw new ResourceParseException($"bad resources '{text}': {e.Message}", text, 0);
        }
    }

    /// <summary>Parses like <see cref="Parse"/> without throwing.</summary>
    /// <returns>False with the error message (token and position) when the text is malformed.</returns>
    public static bool TryParse(string text, out Resources resources, out string? error, string defaultRole = Roles.Default)
    {
        try
        {
            resources = Parse(text, defaultRole);
            error = null;
            return true;
        }
        catch (ResourceParseException e)
        {
            resources = Resources.Empty;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Splits on <c>;</c>, trimming, skipping empty entries; yields each entry with its start position.</summary>
    internal static IEnumerable<(string Token, int Position)> Split(string text)
    {
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != ';') continue;
            var raw = text.AsSpan(start, i - start);
            int lead = raw.Length - raw.TrimStart().Length;
            var token = raw.Trim();
            if (!token.IsEmpty) yield return (token.ToString(), start + lead);
            start = i + 1;
        }
    }

    private static Resource ParseEntry(string token, int position, string defaultRole)
    {
        int i = token.IndexOfAny(['(', '[', ':']);
        if (i <= 0) throw Bad(token, position, i == 0 ? "the resource name is missing" : "expected 'name:value'");
        string name = token[..i].Trim();
        Reservation? reservation = defaultRole == Roles.Default ? null : Reservation.Static(defaultRole);
        DiskInfo? disk = null;
        if (token[i] == '(')
        {
            int close = token.IndexOf(')', i);
            if (close < 0) throw Bad(token, position, "'(' is not closed");
            reservation = ParseReservation(token[(i + 1)..close], token, position);
            i = close + 1;
        }
        if (i < token.Length && token[i] == '[')
        {
            int close = token.IndexOf(']', i);
            int colonInside = token.IndexOf(':', i);
            if (close < 0 || colonInside < 0 || colonInside > close) throw Bad(token, position, "a volume is written '[id:container_path]'");
            string id = token[(i + 1)..colonInside].Trim(), path = token[(colonInside + 1)..close].Trim();
            if (id.Length == 0 || path.Length == 0) throw Bad(token, position, "a volume needs both an id and a container path");
            disk = new DiskInfo(id, path);
            i = close + 1;
        }
        if (i >= token.Length || token[i] != ':') throw Bad(token, position, "expected ':' before the value");
        string value = token[(i + 1)..].Trim();
        if (value.Length == 0) throw Bad(token, position, "the value is missing");
        try
        {
            if (value[0] == '[') return Resource.OfRanges(name, ParseRanges(value, token, position), reservation);
            if (value[0] == '{') return Resource.OfSet(name, ParseSet(value, token, position), reservation);
            if (!Scalar.TryParse(value, out var scalar)) throw Bad(token, position, $"'{value}' is not a non-negative number");
            return Resource.OfScalar(name, scalar, reservation, disk);
        }
        catch (ArgumentException e)
        {
            throw Bad(token, position, e.Message);
        }
    }

    private static Reservation ParseReservation(string inside, string token, int position)
    {
        int comma = inside.IndexOf(',');
        string role = (comma < 0 ? inside : inside[..comma]).Trim();
        if (Roles.Validate(role) is { } error) throw Bad(token, position, error);
        if (comma < 0) return role == Roles.Default ? throw Bad(token, position, "write unreserved resources without '(*)'") : Reservation.Static(role);
        string principal = inside[(comma + 1)..].Trim();
        if (role == Roles.Default) throw Bad(token, position, "resources cannot be reserved for '*'");
        return Reservation.Dynamic(role, principal.Length == 0 ? null : principal);
    }

    internal static ValueRanges ParseRanges(string value, string token, int position)
    {
        if (value[^1] != ']') throw Bad(token, position, "ranges are written '[begin-end, ...]'");
        var inner = value[1..^1];
        var ranges = new List<ValueRange>();
        foreach (var part in inner.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0) throw Bad(token, position, "empty range");
            int dash = part.IndexOf('-');
            string a = dash < 0 ? part : part[..dash].Trim(), b = dash < 0 ? part : part[(dash + 1)..].Trim();
            if (!ulong.TryParse(a, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var begin)
                || !ulong.TryParse(b, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var end))
                throw Bad(token, position, $"'{part}' is not a range of non-negative integers");
            if (begin > end) throw Bad(token, position, $"range '{part}' has begin > end");
            ranges.Add(new ValueRange(begin, end));
        }
        return ValueRanges.Of(ranges);
    }

    internal static ValueSet ParseSet(string value, string token, int position)
    {
        if (value[^1] != '}') throw Bad(token, position, "sets are written '{a,b,...}'");
        var items = value[1..^1].Split(',', StringSplitOptions.TrimEntries);
        if (items.Any(i => i.Length == 0)) throw Bad(token, position, "a set item is empty");
        return ValueSet.Of(items);
    }

    internal static ResourceParseException Bad(string token, int position, string why) =>
        new($"bad resource '{token}' at position {position}: {why}", token, position);

    private static string Article(ResourceType t) => t switch
    {
        ResourceType.Scalar => "a scalar",
        ResourceType.Ranges => "ranges",
        _ => "a set",
    };
}
