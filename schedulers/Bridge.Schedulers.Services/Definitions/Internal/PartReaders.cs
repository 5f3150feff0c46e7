using System.Text.Json;
using Bridge.Schedulers.Services.Constraints;

namespace Bridge.Schedulers.Services.Definitions.Internal;

/// <summary>Readers of the nested parts of an app definition. Each records its problems and returns
/// what it could read; the caller builds the definition only when there were none.</summary>
internal static class PartReaders
{
    private static readonly (string, HealthCheckProtocol)[] Protocols =
    [
        ("HTTP", HealthCheckProtocol.Http), ("HTTPS", HealthCheckProtocol.Https), ("TCP", HealthCheckProtocol.Tcp),
        ("COMMAND", HealthCheckProtocol.Command), ("MESOS_HTTP", HealthCheckProtocol.MesosHttp),
        ("MESOS_HTTPS", HealthCheckProtocol.MesosHttps), ("MESOS_TCP", HealthCheckProtocol.MesosTcp),
    ];

    private static readonly (string, PortProtocol)[] PortProtocols =
        [("tcp", PortProtocol.Tcp), ("udp", PortProtocol.Udp), ("udp,tcp", PortProtocol.UdpTcp)];

    // The Mesos fetcher's archive extensions, as Marathon's FetchUri.isExtract lists them (for `uris`).
    private static readonly string[] ArchiveExtensions = [".tar", ".tar.gz", ".tar.bz2", ".tar.xz", ".gz", ".tgz", ".tbz2", ".txz", ".zip"];

    public static HealthCheck HealthCheck(JsonElement e, string path, Problems p)
    {
        var check = new HealthCheck();
        string? command = null;
        bool hasPath = false;
        foreach (var (name, value, at) in JsonRead.Properties(e, path, p))
        {
            if (value.ValueKind == JsonValueKind.Null) continue;
            int seconds;
            switch (name)
            {
                case "protocol" when JsonRead.Enum(value, at, p, Protocols, out var protocol): check = check with { Protocol = protocol }; break;
                case "path" when JsonRead.String(value, at, p, out var s): check = check with { Path = s }; hasPath = true; break;
                case "portIndex" when JsonRead.Int(value, at, p, out var i, 0, 65535): check = check with { PortIndex = i }; break;
                case "port" when JsonRead.Int(value, at, p, out var i, 0, 65535): check = check with { Port = i }; break;
                case "command": command = CommandValue(value, at, p); break;
                case "gracePeriodSeconds" when JsonRead.Int(value, at, p, out seconds, 0): check = check with { GracePeriod = TimeSpan.FromSeconds(seconds) }; break;
                case "intervalSeconds" when JsonRead.Int(value, at, p, out seconds, 0): check = check with { Interval = TimeSpan.FromSeconds(seconds) }; break;
                case "timeoutSeconds" when JsonRead.Int(value, at, p, out seconds, 0): check = check with { Timeout = TimeSpan.FromSeconds(seconds) }; break;
                case "delaySeconds" when JsonRead.Int(value, at, p, out seconds, 0): check = check with { Delay = TimeSpan.FromSeconds(seconds) }; break;
                case "maxConsecutiveFailures" when JsonRead.Int(value, at, p, out var n, 0): check = check with { MaxConsecutiveFailures = n }; break;
                case "ignoreHttp1xx" when JsonRead.Bool(value, at, p, out var b): check = check with { IgnoreHttp1xx = b }; break;
                case "ipProtocol" when JsonRead.Enum(value, at, p, [("IPv4", false), ("IPv6", true)], out var v6) && v6:
                    p.Error(at, "IPv6 can only be used for container type DOCKER and Mesos http/https/tcp health checks");
                    break;
                case "protocol" or "path" or "portIndex" or "port" or "gracePeriodSeconds" or "intervalSeconds" or "timeoutSeconds"
                    or "delaySeconds" or "maxConsecutiveFailures" or "ignoreHttp1xx" or "ipProtocol":
                    break; // the typed read above recorded the problem
                default: JsonRead.Unknown(at, name, "a health check", p); break;
            }
        }
        return Normalize(check, command, hasPath, path, p);
    }

    // Marathon's rules (HealthCheckConversion.appHealthCheckRamlReader, AppNormalization.normalizeHealthChecks).
    private static HealthCheck Normalize(HealthCheck check, string? command, bool hasPath, string path, Problems p)
    {
        if (command is not null)
        {
            if (check.Protocol != HealthCheckProtocol.Command)
                p.Error(Problems.Field(path, "protocol"), "must be COMMAND when a command is given (the default protocol is HTTP)");
            if (hasPath || check.Port is not null) p.Error(path, "a COMMAND health check takes no path or port");
            return check with { Command = command, Path = null, Port = null, PortIndex = null, IgnoreHttp1xx = false };
        }
        if (check.Protocol == HealthCheckProtocol.Command)
        {
            p.Error(Problems.Field(path, "command"), "is required for a COMMAND health check");
            return check;
        }
        bool http = check.Protocol is HealthCheckProtocol.Http or HealthCheckProtocol.Https or HealthCheckProtocol.MesosHttp or HealthCheckProtocol.MesosHttps;
        return check with
        {
            Path = http ? check.Path : null,
            PortIndex = check.Port is null && check.PortIndex is null ? 0 : check.PortIndex,
            IgnoreHttp1xx = check.Protocol is HealthCheckProtocol.Http or HealthCheckProtocol.Https && check.IgnoreHttp1xx,
        };
    }

    private static string? CommandValue(JsonElement e, string path, Problems p)
    {
        string? value = null;
        foreach (var (name, v, at) in JsonRead.Properties(e, path, p))
        {
            if (name != "value") JsonRead.Unknown(at, name, "a health check command", p);
            else if (JsonRead.String(v, at, p, out var s))
            {
                if (s.Length == 0) p.Error(at, "must not be empty");
                value = s;
            }
        }
        if (value is null && e.ValueKind == JsonValueKind.Object) p.Error(Problems.Field(path, "value"), "is required");
        return value;
    }

    public static PortDefinition PortDefinition(JsonElement e, string path, Problems p)
    {
        var port = new PortDefinition();
        foreach (var (name, value, at) in JsonRead.Properties(e, path, p))
        {
            if (value.ValueKind == JsonValueKind.Null) continue;
            switch (name)
            {
                case "port": if (JsonRead.Int(value, at, p, out var n, 0, 65535)) port = port with { Port = n }; break;
                case "protocol": if (JsonRead.Enum(value, at, p, PortProtocols, out var protocol)) port = port with { Protocol = protocol }; break;
                case "name":
                    if (JsonRead.String(value, at, p, out var s))
                    {
                        if (!IsPortName(s)) p.Error(at, "must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$: lowercase letters, digits and '-', not at either end");
                        port = port with { Name = s };
                    }
                    break;
                case "labels": port = port with { Labels = JsonRead.StringMap(value, at, p) }; break;
                default: JsonRead.Unknown(at, name, "a port definition", p); break;
            }
        }
        return port;
    }

    public static void CheckPortDefinitions(IReadOnlyList<PortDefinition> ports, string path, Problems p)
    {
        var names = ports.Where(d => d.Name is not null).Select(d => d.Name!).ToList();
        if (names.Distinct().Count() != names.Count) p.Error(path, "Port names must be unique.");
        var numbers = ports.Where(d => d.Port != 0).Select(d => d.Port).ToList();
        if (numbers.Distinct().Count() != numbers.Count) p.Error(path, "Ports must be unique.");
    }

    public static FetchUri Fetch(JsonElement e, string path, Problems p)
    {
        string? uri = null;
        var fetch = new FetchUri { Uri = "" };
        foreach (var (name, value, at) in JsonRead.Properties(e, path, p))
        {
            if (value.ValueKind == JsonValueKind.Null) continue;
            bool b;
            switch (name)
            {
                case "uri": if (JsonRead.String(value, at, p, out var s) && CheckUri(s, at, p)) uri = s; else uri ??= ""; break;
                case "extract": if (JsonRead.Bool(value, at, p, out b)) fetch = fetch with { Extract = b }; break;
                case "executable": if (JsonRead.Bool(value, at, p, out b)) fetch = fetch with { Executable = b }; break;
                case "cache": if (JsonRead.Bool(value, at, p, out b)) fetch = fetch with { Cache = b }; break;
                case "destPath":
                    if (JsonRead.String(value, at, p, out var dest))
                    {
                        if (dest.Length is 0 or > 1024) p.Error(at, "must be 1 to 1024 characters long");
                        fetch = fetch with { DestPath = dest };
                    }
                    break;
                default: JsonRead.Unknown(at, name, "a fetch entry", p); break;
            }
        }
        if (uri is null && e.ValueKind == JsonValueKind.Object) p.Error(Problems.Field(path, "uri"), "is required");
        return fetch with { Uri = uri ?? "" };
    }

    /// <summary>The deprecated <c>uris</c>: fetched with <c>extract</c> when the name ends in an archive extension.</summary>
    public static FetchUri? Uri(JsonElement e, string path, Problems p)
    {
        if (!JsonRead.String(e, path, p, out var s) || !CheckUri(s, path, p)) return null;
        string name = System.Uri.TryCreate(s, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : s;
        return new FetchUri { Uri = s, Extract = ArchiveExtensions.Any(x => name.EndsWith(x, StringComparison.Ordinal)) };
    }

    public static Constraint? Constraint(JsonElement e, string path, Problems p)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            p.Error(path, $"expected an array [field, operator] or [field, operator, value], got {JsonRead.Kind(e)}");
            return null;
        }
        if (!JsonRead.Strings(e, path, p, out var parts)) return null;
        if (parts.Count is < 2 or > 3)
        {
            p.Error(path, "Each constraint must have either 2 or 3 fields");
            return null;
        }
        if (Constraints.Constraint.TryCreate(parts[0], parts[1], parts.Count == 3 ? parts[2] : null, out var c, out var error)) return c;
        p.Error(path, error);
        return null;
    }

    public static UpgradeStrategy UpgradeStrategy(JsonElement e, string path, Problems p)
    {
        var strategy = Definitions.UpgradeStrategy.Default;
        foreach (var (name, value, at) in JsonRead.Properties(e, path, p))
        {
            if (value.ValueKind == JsonValueKind.Null) continue;
            double share;
            switch (name)
            {
                case "minimumHealthCapacity": if (JsonRead.Number(value, at, p, out share, 0, 1)) strategy = strategy with { MinimumHealthCapacity = share }; break;
                case "maximumOverCapacity": if (JsonRead.Number(value, at, p, out share, 0, 1)) strategy = strategy with { MaximumOverCapacity = share }; break;
                default: JsonRead.Unknown(at, name, "an upgrade strategy", p); break;
            }
        }
        return strategy;
    }

    /// <summary>Marathon's legacy <c>env</c>: any name; a string value, or <c>{"secret": name}</c>, which is
    /// accepted and reported unsupported.</summary>
    public static ValueMap Env(JsonElement e, string path, Problems p)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (name, value, at) in JsonRead.Properties(e, path, p))
        {
            if (value.ValueKind == JsonValueKind.String) pairs.Add(KeyValuePair.Create(name, value.GetString()!));
            else if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("secret", out _))
                p.NotSupported(at, "secret references are not supported: the variable is not set");
            else p.Error(at, $"expected a string or {{\"secret\": name}}, got {JsonRead.Kind(value)}");
        }
        return ValueMap.Of(pairs);
    }

    private static bool CheckUri(string s, string path, Problems p)
    {
        if (s.Length is 0 or > 1024) p.Error(path, "must be 1 to 1024 characters long");
        else if (s.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || !System.Uri.TryCreate(s, UriKind.RelativeOrAbsolute, out _))
            p.Error(path, "URI has invalid syntax.");
        else return true;
        return false;
    }

    private static bool IsPortName(string s) =>
        s.Length > 0 && s.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && s[0] != '-' && s[^1] != '-';
}
