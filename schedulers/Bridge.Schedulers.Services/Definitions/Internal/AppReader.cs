using System.Text.Json;
using Bridge.Kernel;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Constraints;

namespace Bridge.Schedulers.Services.Definitions.Internal;

/// <summary>
/// Reads one app definition from a parsed JSON document: every field typed and range-checked at its
/// path, then Marathon's cross-field rules (api/v2/validation/AppValidation.scala), then the
/// normalization Marathon applies (relative ids made absolute, <c>ports</c> and <c>uris</c> turned
/// into <c>portDefinitions</c> and <c>fetch</c>, the default port, health checks' port index 0).
/// </summary>
internal sealed class AppReader
{
    // Shown by Marathon's GET and ignored on input, so a definition read back from Marathon is accepted.
    private static readonly HashSet<string> ReadOnly =
    [
        "version", "versionInfo", "tasksStaged", "tasksRunning", "tasksHealthy", "tasksUnhealthy", "deployments",
        "readinessCheckResults", "tasks", "lastTaskFailure", "tasksStats",
    ];

    // Scalars are exact fixed point in the kernel (Bridge.Kernel.Scalar, about 9.2e15 units at most).
    private const double MaxScalar = 1e15;

    private static readonly (string, KillSelection)[] KillSelections =
        [("YOUNGEST_FIRST", KillSelection.YoungestFirst), ("OLDEST_FIRST", KillSelection.OldestFirst)];

    private readonly Problems _p = new();
    private readonly AppJsonOptions _options;

    private AppId? _id;
    private bool _idGiven;
    private string? _cmd;
    private List<string> _args = [];
    private List<PortDefinition>? _portDefinitions;
    private List<int>? _ports;
    private List<FetchUri>? _fetch;
    private List<FetchUri>? _uris;
    private readonly List<HealthCheck> _healthChecks = [];
    private readonly List<Constraint> _constraints = [];
    private List<string>? _acceptedRoles;
    private AppDefinition _app;

    private AppReader(AppJsonOptions options)
    {
        _options = options;
        _app = new AppDefinition { Id = default, Role = options.DefaultRole };
    }

    public static AppJsonResult Read(JsonElement root, AppJsonOptions options)
    {
        var reader = new AppReader(options);
        if (root.ValueKind != JsonValueKind.Object)
        {
            reader._p.Error("", $"expected an app definition (an object), got {JsonRead.Kind(root)}");
            return reader._p.Result(null);
        }
        foreach (var (name, value, path) in JsonRead.Properties(root, "", reader._p))
            if (value.ValueKind != JsonValueKind.Null) // Marathon reads null as "not given"
                reader.Field(name, value, path);
        return reader._p.Result(reader.Finish());
    }

    private void Field(string name, JsonElement v, string at)
    {
        int n;
        double x;
        switch (name)
        {
            case "id": _idGiven = true; ReadId(v, at); break;
            case "cmd": if (JsonRead.String(v, at, _p, out var cmd)) { _cmd = cmd; if (cmd.Length == 0) _p.Error(at, "must not be empty"); } break;
            case "args": JsonRead.Strings(v, at, _p, out _args); break;
            case "user": if (JsonRead.String(v, at, _p, out var user)) _app = _app with { User = user }; break;
            case "env": _app = _app with { Env = PartReaders.Env(v, at, _p) }; break;
            case "instances": if (JsonRead.Int(v, at, _p, out n, 0)) _app = _app with { Instances = n }; break;
            case "cpus": if (JsonRead.Number(v, at, _p, out x, 0.001, MaxScalar)) _app = _app with { Cpus = x }; break;
            case "mem": if (JsonRead.Number(v, at, _p, out x, 0, MaxScalar)) _app = _app with { MemMb = x }; break;
            case "disk": if (JsonRead.Number(v, at, _p, out x, 0, MaxScalar)) _app = _app with { DiskMb = x }; break;
            case "gpus": if (JsonRead.Int(v, at, _p, out n, 0)) _app = _app with { Gpus = n }; break;
            case "constraints":
                foreach (var (item, path) in JsonRead.Items(v, at, _p))
                    if (PartReaders.Constraint(item, path, _p) is { } c && !_constraints.Contains(c)) _constraints.Add(c);
                break;
            case "fetch": _fetch = [.. JsonRead.Items(v, at, _p).Select(i => PartReaders.Fetch(i.Value, i.Path, _p))]; break;
            case "uris": _uris = [.. JsonRead.Items(v, at, _p).Select(i => PartReaders.Uri(i.Value, i.Path, _p)).OfType<FetchUri>()]; break;
            case "portDefinitions": _portDefinitions = [.. JsonRead.Items(v, at, _p).Select(i => PartReaders.PortDefinition(i.Value, i.Path, _p))]; break;
            case "ports": _ports = [.. JsonRead.Items(v, at, _p).Select(i => JsonRead.Int(i.Value, i.Path, _p, out var port, 0, 65535) ? port : 0)]; break;
            case "requirePorts": if (JsonRead.Bool(v, at, _p, out var require)) _app = _app with { RequirePorts = require }; break;
            case "healthChecks": _healthChecks.AddRange(JsonRead.Items(v, at, _p).Select(i => PartReaders.HealthCheck(i.Value, i.Path, _p))); break;
            case "upgradeStrategy": _app = _app with { UpgradeStrategy = PartReaders.UpgradeStrategy(v, at, _p) }; break;
            case "backoffSeconds": if (JsonRead.Int(v, at, _p, out n, 0)) _app = _app with { Backoff = TimeSpan.FromSeconds(n) }; break;
            case "backoffFactor": if (JsonRead.Number(v, at, _p, out x, 1)) _app = _app with { BackoffFactor = x }; break;
            case "maxLaunchDelaySeconds": if (JsonRead.Int(v, at, _p, out n, 0)) _app = _app with { MaxLaunchDelay = TimeSpan.FromSeconds(n) }; break;
            case "killSelection": if (JsonRead.Enum(v, at, _p, KillSelections, out var kill)) _app = _app with { KillSelection = kill }; break;
            case "taskKillGracePeriodSeconds": if (JsonRead.Int(v, at, _p, out n, 0)) _app = _app with { TaskKillGracePeriod = TimeSpan.FromSeconds(n) }; break;
            case "labels": _app = _app with { Labels = JsonRead.StringMap(v, at, _p) }; break;
            case "role": ReadRole(v, at); break;
            case "acceptedResourceRoles": if (JsonRead.Strings(v, at, _p, out var roles)) _acceptedRoles = roles; break;
            default:
                if (ReadOnly.Contains(name)) break;
                if (Unsupported.Reason(name, v) is { } reason) _p.NotSupported(at, reason);
                else if (!Unsupported.IsKnown(name)) JsonRead.Unknown(at, name, "Marathon's app definition", _p);
                break;
        }
    }

    private void ReadId(JsonElement v, string at)
    {
        if (_options.Id is not null || !JsonRead.String(v, at, _p, out var text)) return; // the path's id wins, whatever the body says
        if (AppId.TryParse(text, out var id, out var error)) _id = id;
        else _p.Error(at, error);
    }

    private void ReadRole(JsonElement v, string at)
    {
        if (!JsonRead.String(v, at, _p, out var role)) return;
        if (Roles.Validate(role) is { } error) _p.Error(at, error);
        else if (_options.AllowedRoles is { } allowed && !allowed.Contains(role))
            _p.Error(at, $"got {role}, expected one of: [{string.Join(", ", allowed.Order(StringComparer.Ordinal))}]");
        else _app = _app with { Role = role };
    }

    private AppDefinition? Finish()
    {
        var id = _options.Id ?? _id;
        if (id is null && !_idGiven) _p.Error("/id", "is required");
        CheckCommand();
        var ports = PortDefinitions();
        var fetch = Fetch();
        CheckHealthChecks(ports.Count);
        var accepted = AcceptedRoles();
        if (_p.HasErrors || id is null) return null;
        return _app with
        {
            Id = id.Value,
            Cmd = _args.Count > 0 ? null : _cmd,
            Args = ValueList.From(_args),
            PortDefinitions = ports,
            Fetch = fetch,
            HealthChecks = ValueList.From(_healthChecks),
            Constraints = ValueList.From(_constraints),
            AcceptedResourceRoles = accepted,
        };
    }

    private void CheckCommand()
    {
        // Marathon counts an empty args array as not given ("args": [] appears in its own output).
        bool cmd = _cmd is not null, args = _args.Count > 0;
        if (cmd == args) _p.Error("", "AppDefinition must contain exactly one of 'cmd' or 'args' (containers are not supported)");
    }

    private ValueList<PortDefinition> PortDefinitions()
    {
        if (_ports is not null && _ports.Where(port => port != 0).GroupBy(port => port).Any(g => g.Count() > 1))
            _p.Error("/ports", "ports must be unique");
        if (_ports is not null && _portDefinitions is not null && !_ports.SequenceEqual(_portDefinitions.Select(d => d.Port)))
            _p.Error("", "cannot specify both ports and port definitions");
        if (_portDefinitions is not null) PartReaders.CheckPortDefinitions(_portDefinitions, "/portDefinitions", _p);
        if (_portDefinitions is null && _ports is null) return AppDefinition.DefaultPortDefinitions;
        return ValueList.From(_portDefinitions ?? _ports!.Select(port => new PortDefinition { Port = port }));
    }

    private ValueList<FetchUri> Fetch()
    {
        if (_uris is { Count: > 0 } && _fetch is { Count: > 0 }) _p.Error("/uris", "may not be set in conjunction with fetch");
        return ValueList.From(_fetch is { Count: > 0 } ? _fetch : _uris ?? []);
    }

    private void CheckHealthChecks(int portCount)
    {
        for (int i = 0; i < _healthChecks.Count; i++)
        {
            var check = _healthChecks[i];
            // Marathon checks this for its own HTTP/HTTPS/TCP checks only; a MESOS_* check with a bad index
            // would fail at launch instead, so it is refused here too.
            if (check.UsesPort && check.Port is null && check.PortIndex >= portCount)
                _p.Error(Problems.Index("/healthChecks", i), "Health check port indices must address an element of the ports array or container port mappings.");
        }
        if (_healthChecks.Count > 1)
            _p.Error("/healthChecks", "AppDefinition can contain at most one health check: checks run on the agent, and a task carries one");
    }

    private ValueList<string> AcceptedRoles()
    {
        if (_acceptedRoles is null) return ValueList<string>.Empty;
        const string at = "/acceptedResourceRoles";
        if (_acceptedRoles.Count == 0) _p.Error(at, "must not be empty");
        for (int i = 0; i < _acceptedRoles.Count; i++)
            if (Roles.Validate(_acceptedRoles[i]) is { } error) _p.Error(Problems.Index(at, i), error);
        var valid = new SortedSet<string>(StringComparer.Ordinal) { Roles.Default, _app.Role };
        var distinct = _acceptedRoles.Distinct().ToList();
        if (!distinct.All(valid.Contains)) _p.Error(at, $"acceptedResourceRoles can only contain {string.Join(" and ", valid)}");
        return ValueList.From(distinct);
    }
}
