using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.V1;
using Google.Protobuf;

namespace Bridge.Yarn.Protocol.Conversion;

/// <summary>
/// Converts container launch contexts and local resources between the wire (Hadoop's ContainerLaunchContextProto,
/// LocalResourceProto, URLProto) and <see cref="ContainerLaunchContext"/> / <see cref="LocalResource"/>, validating
/// what arrives. <c>service_data</c> (auxiliary services' data, e.g. MapReduce's shuffle) is not part of the record:
/// a caller that cannot honour it checks <see cref="ContainerLaunchContextProto.ServiceData"/> itself.
/// </summary>
public static class LaunchContextConversion
{
    /// <summary>A launch context on the wire; environment and local resources in ordinal key order.</summary>
    public static ContainerLaunchContextProto ToProto(this ContainerLaunchContext c)
    {
        var proto = new ContainerLaunchContextProto();
        proto.Command.AddRange(c.Commands);
        foreach (var (k, v) in c.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
            proto.Environment.Add(new StringStringMapProto { Key = k, Value = v });
        foreach (var (k, v) in c.LocalResources.OrderBy(e => e.Key, StringComparer.Ordinal))
            proto.LocalResources.Add(new StringLocalResourceMapProto { Key = k, Value = v.ToProto() });
        if (!c.Tokens.IsEmpty) proto.Tokens = ByteString.CopyFrom(c.Tokens.Span);
        return proto;
    }

    /// <summary>
    /// A launch context from the wire (absent: <see cref="ContainerLaunchContext.Empty"/>). Environment names must be
    /// non-empty, without <c>=</c>, each given once; local resource keys are link names (non-empty relative paths
    /// without <c>..</c> segments), each given once, and their values valid local resources.
    /// </summary>
    /// <exception cref="InvalidMessageException">An entry is invalid; the message names it by index.</exception>
    public static ContainerLaunchContext ToRecord(this ContainerLaunchContextProto? proto, string field)
    {
        if (proto is null) return ContainerLaunchContext.Empty;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < proto.Environment.Count; i++)
        {
            var e = proto.Environment[i];
            var at = $"{field}.environment[{i}]";
            if (string.IsNullOrEmpty(e.Key)) throw new InvalidMessageException($"{at}.key", "is empty");
            if (e.Key.Contains('=') || e.Key.Contains('\0')) throw new InvalidMessageException($"{at}.key", $"'{e.Key}' is not a variable name (no '=' or NUL)");
            if (!env.TryAdd(e.Key, e.Value)) throw new InvalidMessageException($"{at}.key", $"'{e.Key}' is given twice");
        }
        var resources = new Dictionary<string, LocalResource>(StringComparer.Ordinal);
        for (var i = 0; i < proto.LocalResources.Count; i++)
        {
            var r = proto.LocalResources[i];
            var at = $"{field}.localResources[{i}]";
            var problem = LinkNameProblem(r.Key);
            if (problem is not null) throw new InvalidMessageException($"{at}.key", problem);
            if (!resources.TryAdd(r.Key, r.Value.ToRecord($"{at}.value"))) throw new InvalidMessageException($"{at}.key", $"'{r.Key}' is given twice");
        }
        return new ContainerLaunchContext(proto.Command.ToList(), env, resources, proto.HasTokens ? proto.Tokens.ToByteArray() : default);
    }

    /// <summary>Why <paramref name="name"/> is not a link name in a container's working directory, or null when it is one.</summary>
    public static string? LinkNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "is empty";
        if (name.StartsWith('/') || name.Contains('\0')) return $"'{name}' is not a relative path";
        if (name.Split('/').Any(part => part is ".." or "." or "")) return $"'{name}' must name a file below the working directory (no '.', '..' or empty segments)";
        return null;
    }

    /// <summary>A local resource on the wire; size and timestamp sent only when checked (not -1).</summary>
    public static LocalResourceProto ToProto(this LocalResource r)
    {
        var proto = new LocalResourceProto
        {
            Resource = r.Url.ToUrlProto(),
            Type = r.Type switch
            {
                LocalResourceType.Archive => LocalResourceTypeProto.Archive,
                LocalResourceType.Pattern => LocalResourceTypeProto.Pattern,
                _ => LocalResourceTypeProto.File,
            },
            Visibility = r.Visibility switch
            {
                LocalResourceVisibility.Public => LocalResourceVisibilityProto.Public,
                LocalResourceVisibility.Private => LocalResourceVisibilityProto.Private,
                _ => LocalResourceVisibilityProto.Application,
            },
        };
        if (r.Size >= 0) proto.Size = r.Size;
        if (r.Timestamp >= 0) proto.Timestamp = r.Timestamp;
        if (r.Pattern is not null) proto.Pattern = r.Pattern;
        return proto;
    }

    /// <summary>
    /// A local resource from the wire: resource a URL with a scheme and a path, type and visibility present, size and
    /// timestamp not negative when present (absent: -1, not checked), pattern only for PATTERN.
    /// </summary>
    /// <exception cref="InvalidMessageException">A field is missing or invalid.</exception>
    public static LocalResource ToRecord(this LocalResourceProto? proto, string field)
    {
        var p = RecordConversion.Require(proto, field);
        var url = p.Resource.ToUri($"{field}.resource");
        if (!p.HasType) throw new InvalidMessageException($"{field}.type", "is missing (ARCHIVE, FILE or PATTERN)");
        if (!p.HasVisibility) throw new InvalidMessageException($"{field}.visibility", "is missing (PUBLIC, PRIVATE or APPLICATION)");
        if (p.HasSize && p.Size < 0) throw new InvalidMessageException($"{field}.size", $"{p.Size} bytes is negative");
        if (p.HasTimestamp && p.Timestamp < 0) throw new InvalidMessageException($"{field}.timestamp", $"{p.Timestamp} is negative");
        var type = p.Type switch
        {
            LocalResourceTypeProto.Archive => LocalResourceType.Archive,
            LocalResourceTypeProto.File => LocalResourceType.File,
            LocalResourceTypeProto.Pattern => LocalResourceType.Pattern,
            _ => throw new InvalidMessageException($"{field}.type", $"{(int)p.Type} is not ARCHIVE, FILE or PATTERN"),
        };
        var visibility = p.Visibility switch
        {
            LocalResourceVisibilityProto.Public => LocalResourceVisibility.Public,
            LocalResourceVisibilityProto.Private => LocalResourceVisibility.Private,
            LocalResourceVisibilityProto.Application => LocalResourceVisibility.Application,
            _ => throw new InvalidMessageException($"{field}.visibility", $"{(int)p.Visibility} is not PUBLIC, PRIVATE or APPLICATION"),
        };
        if (p.HasPattern && type != LocalResourceType.Pattern) throw new InvalidMessageException($"{field}.pattern", "is only for type PATTERN");
        if (type == LocalResourceType.Pattern && string.IsNullOrEmpty(p.Pattern)) throw new InvalidMessageException($"{field}.pattern", "is missing (type PATTERN)");
        return new LocalResource(url, type, visibility, p.HasSize ? p.Size : -1, p.HasTimestamp ? p.Timestamp : -1, p.HasPattern ? p.Pattern : null);
    }

    /// <summary>A URL in Hadoop's parts: scheme, host (when any), port (when not the scheme's default), file (the decoded path and query), userInfo (when any).</summary>
    public static URLProto ToUrlProto(this Uri url)
    {
        var proto = new URLProto { Scheme = url.Scheme, File = Uri.UnescapeDataString(url.AbsolutePath) + url.Query };
        if (!string.IsNullOrEmpty(url.Host)) proto.Host = url.Host;
        if (!url.IsDefaultPort && url.Port >= 0) proto.Port = url.Port;
        if (!string.IsNullOrEmpty(url.UserInfo)) proto.UserInfo = url.UserInfo;
        return proto;
    }

    /// <summary>A URL from Hadoop's parts: scheme and file present, port 0 to 65535 when given (-1: none).</summary>
    /// <exception cref="InvalidMessageException">A part is missing, or they do not make a URL.</exception>
    public static Uri ToUri(this URLProto? proto, string field)
    {
        var p = RecordConversion.Require(proto, field);
        if (string.IsNullOrWhiteSpace(p.Scheme)) throw new InvalidMessageException($"{field}.scheme", "is empty");
        if (string.IsNullOrEmpty(p.File)) throw new InvalidMessageException($"{field}.file", "is empty (the path)");
        if (p.HasPort && p.Port is < -1 or > 65535) throw new InvalidMessageException($"{field}.port", $"{p.Port} is not a port (0 to 65535, or -1 for none)");
        var authority = (p.HasUserInfo && p.UserInfo.Length > 0 ? p.UserInfo + "@" : "") + p.Host + (p.HasPort && p.Port >= 0 ? $":{p.Port}" : "");
        var file = p.File.StartsWith('/') ? p.File : "/" + p.File;
        var text = $"{p.Scheme}://{authority}{file}";
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new InvalidMessageException(field, $"'{text}' is not a URL");
    }
}
