using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bridge.Kernel;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Definitions;

/// <summary>Reads one job object, collecting every error; one instance per document.</summary>
internal sealed partial class JobJsonReader
{
    private readonly List<JobJsonError> _errors = [];
    private readonly List<UnsupportedField> _unsupported = [];
    private readonly HashSet<string> _present = new(StringComparer.Ordinal);

    // Definition fields as read; null when absent (or JSON null, or "" for text fields Chronos
    // writes empty when unset).
    private string? _name, _command, _scheduleText, _cron, _scheduleTimeZone, _timezone, _epsilon, _concurrencyPolicy;
    private string _owner = "", _ownerName = "", _description = "";
    private bool? _shell, _disabled, _enabled, _concurrent;
    private int? _retries;
    private long? _startingDeadlineSeconds;
    private Scalar? _cpus, _mem, _disk;
    private List<string>? _arguments, _uris, _parents;
    private List<EnvironmentVariable>? _environment;
    private List<JobConstraint>? _constraints;
    private List<FetchUri>? _fetch;

    // Status fields.
    private long? _successCount, _errorCount, _errorsSinceLastSuccess;
    private DateTimeOffset? _lastSuccess, _lastError;
    private bool _anyStatus;

    public JobJsonResult Read(JsonElement job)
    {
        if (job.ValueKind != JsonValueKind.Object)
        {
            Error("", $"a job is a JSON object, not {Describe(job)}");
            return Result(null);
        }
        foreach (var property in job.EnumerateObject())
        {
            if (!_present.Add(property.Name))
            {
                Error(property.Name, "given twice");
                continue;
            }
            ReadField(property.Name, property.Value);
        }
        var definition = Build();
        return Result(_errors.Count == 0 ? definition : null);
    }

    private JobJsonResult Result(JobDefinition? definition)
    {
        JobStatus? status = _anyStatus
            ? new JobStatus(_successCount ?? 0, _errorCount ?? 0, _lastSuccess, _lastError, _errorsSinceLastSuccess ?? 0)
            : null;
        return new JobJsonResult(definition, ValueList.From(_errors), ValueList.From(_unsupported), status);
    }

    private void ReadField(string field, JsonElement value)
    {
        switch (field)
        {
            case "name": _name = Text(field, value); break;
            case "command": _command = Text(field, value); break;
            case "arguments": _arguments = Strings(field, value); break;
            case "shell": _shell = Bool(field, value); break;
            case "schedule": _scheduleText = Text(field, value); break;
            case "scheduleTimeZone": _scheduleTimeZone = Text(field, value); break;
            case "parents": _parents = Strings(field, value); break;
            case "epsilon": _epsilon = Text(field, value); break;
            case "retries": _retries = (int?)Integer(field, value, 0, int.MaxValue); break;
            case "disabled": _disabled = Bool(field, value); break;
            case "enabled": _enabled = Bool(field, value); break;
            case "concurrent": _concurrent = Bool(field, value); break;
            case "cpus": _cpus = Resource(field, value); break;
            case "mem": _mem = Resource(field, value); break;
            case "disk": _disk = Resource(field, value); break;
            case "environmentVariables": _environment = EnvironmentVariables(field, value); break;
            case "constraints": _constraints = Constraints(field, value); break;
            case "owner": _owner = Text(field, value) ?? ""; break;
            case "ownerName": _ownerName = Text(field, value) ?? ""; break;
            case "description": _description = Text(field, value) ?? ""; break;
            case "uris": _uris = Strings(field, value); break;
            case "fetch": _fetch = Fetch(field, value); break;
            case "cron": _cron = Text(field, value); break;
            case "timezone": _timezone = Text(field, value); break;
            case "concurrencyPolicy": _concurrencyPolicy = Text(field, value); break;
            case "startingDeadlineSeconds": _startingDeadlineSeconds = Integer(field, value, 1, int.MaxValue); break;
            default:
                if (!ReadStatusField(field, value) && !ReadUnsupportedField(field, value)) Unknown(field);
                break;
        }
    }

    private bool ReadStatusField(string field, JsonElement value)
    {
        switch (field)
        {
            case "successCount": _successCount = Integer(field, value, 0, long.MaxValue); break;
            case "errorCount": _errorCount = Integer(field, value, 0, long.MaxValue); break;
            case "errorsSinceLastSuccess": _errorsSinceLastSuccess = Integer(field, value, 0, long.MaxValue); break;
            case "lastSuccess": _lastSuccess = Instant(field, value); break;
            case "lastError": _lastError = Instant(field, value); break;
            default: return false;
        }
        _anyStatus = true;
        return true;
    }

    private bool ReadUnsupportedField(string field, JsonElement value)
    {
        var reason = UnsupportedReason(field);
        if (reason is null) return false;
        bool asksForSomething = value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.False => false,
            JsonValueKind.String => value.GetString()!.Length > 0,
            JsonValueKind.Number => !value.TryGetDouble(out var d) || d != 0,
            _ => true,
        };
        if (asksForSomething) _unsupported.Add(new UnsupportedField(field, reason));
        return true;
    }

    private static string? UnsupportedReason(string field) => field switch
    {
        "async" => "asynchronous jobs (Chronos 2) report their end through the API; every Bridge run ends with its command's exit status",
        "executor" or "executorFlags" or "taskInfoData" =>
            "custom Mesos executors are not supported; the command runs under the agent's command executor",
        "container" => "containers (Docker or Mesos images) are not supported; the command runs on the agent's host",
        "highPriority" => "there is no priority queue; due runs start in due order",
        "runAsUser" => "the command runs as the agent's user",
        "softError" => "a failed parent never starts its children; children run only after their parents succeed",
        "dataJob" or "dataProcessingJobType" => "tracking elements processed needs Chronos' Cassandra statistics, which Bridge has not",
        "maxCompletionTime" => "runs have no time limit",
        _ => null,
    };

    // Names that users of Metronome or Marathon reach for, and the field Chronos uses instead.
    private static readonly Dictionary<string, string> Hints = new(StringComparer.Ordinal)
    {
        ["id"] = "the job's identity is 'name'",
        ["cmd"] = "use 'command'",
        ["args"] = "use 'arguments' (with \"shell\": false)",
        ["env"] = "use 'environmentVariables': [{\"name\": ..., \"value\": ...}]",
        ["schedules"] = "put Metronome's schedule fields at the top level: cron, timezone, concurrencyPolicy, startingDeadlineSeconds",
        ["run"] = "put Metronome's run fields at the top level: command, cpus, mem, disk",
        ["startingDeadline"] = "use 'startingDeadlineSeconds' or 'epsilon'",
        ["timeZone"] = "use 'timezone' or 'scheduleTimeZone'",
    };

    private static readonly string[] KnownFields =
    [
        "name", "command", "arguments", "shell", "schedule", "scheduleTimeZone", "parents", "epsilon", "retries",
        "disabled", "concurrent", "cpus", "mem", "disk", "environmentVariables", "constraints", "owner", "ownerName",
        "description", "uris", "fetch", "cron", "timezone", "concurrencyPolicy", "startingDeadlineSeconds", "enabled",
    ];

    private void Unknown(string field)
    {
        var hint = Hints.TryGetValue(field, out var h) ? h
            : KnownFields.FirstOrDefault(k => string.Equals(k, field, StringComparison.OrdinalIgnoreCase)) is { } near
                ? $"did you mean '{near}'? (names are case-sensitive)"
                : "not a Chronos job field or one of Metronome's cron fields";
        Error(field, $"unknown field; {hint}");
    }

    private void Error(string field, string message) => _errors.Add(new JobJsonError(field, message));

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"{value.GetRawText()}",
        _ => "null",
    };

    // ---- values ----

    /// <summary>A string; null for JSON null and for "" (Chronos writes unset text as "").</summary>
    private string? Text(string field, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String)
        {
            Error(field, $"must be a string, not {Describe(value)}");
            return null;
        }
        var text = value.GetString()!;
        return text.Length == 0 ? null : text;
    }

    private bool? Bool(string field, JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        if (value.ValueKind != JsonValueKind.Null) Error(field, $"must be true or false, not {Describe(value)}");
        return null;
    }

    private long? Integer(string field, JsonElement value, long min, long max)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n))
        {
            Error(field, $"must be a whole number, not {Describe(value)}");
            return null;
        }
        if (n < min || n > max)
        {
            Error(field, max == int.MaxValue || max == long.MaxValue ? $"must be at least {min}, not {n}" : $"must be from {min} to {max}, not {n}");
            return null;
        }
        return n;
    }

    /// <summary>cpus, mem, disk: a number, or a string holding one (Chronos' Docker sample writes
    /// "0.5"); 0 means the default, as Chronos reads it.</summary>
    private Scalar? Resource(string field, JsonElement value)
    {
        Scalar scalar;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when Scalar.TryParse(value.GetRawText(), out scalar):
            case JsonValueKind.String when Scalar.TryParse(value.GetString(), out scalar):
                break;
            case JsonValueKind.Number when value.TryGetDouble(out var d) && double.IsFinite(d) && d >= 0 && d < 9e15:
                scalar = Scalar.FromDouble(d);
                break;
            default:
                Error(field, $"must be a non-negative number (or a string holding one), not {Describe(value)}");
                return null;
        }
        return scalar.IsZero ? null : scalar;
    }

    private DateTimeOffset? Instant(string field, JsonElement value)
    {
        var text = Text(field, value);
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        Error(field, $"'{text}' is not an ISO 8601 date-time (e.g. 2014-03-08T16:57:17.507Z) or \"\"");
        return null;
    }

    private List<string>? Strings(string field, JsonElement value)
    {
        if (!IsArray(field, value)) return null;
        var list = new List<string>();
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String) list.Add(item.GetString()!);
            else Error($"{field}[{i}]", $"must be a string, not {Describe(item)}");
            i++;
        }
        return list;
    }

    private bool IsArray(string field, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array) return true;
        if (value.ValueKind != JsonValueKind.Null) Error(field, $"must be an array, not {Describe(value)}");
        return false;
    }

    private List<EnvironmentVariable>? EnvironmentVariables(string field, JsonElement value)
    {
        if (!IsArray(field, value)) return null;
        var list = new List<EnvironmentVariable>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{field}[{i++}]";
            if (!Fields(path, item, ["name", "value"], out var fields)) continue;
            var name = fields.TryGetValue("name", out var n) ? Text(path + ".name", n) : null;
            // The value may be empty, so it is read as it is rather than with Text.
            string? text = null;
            if (!fields.TryGetValue("value", out var v) || v.ValueKind == JsonValueKind.Null) Error(path + ".value", "is required");
            else if (v.ValueKind != JsonValueKind.String) Error(path + ".value", $"must be a string, not {Describe(v)}");
            else text = v.GetString();
            if (name is null) Error(path + ".name", "is required (a variable name)");
            else if (name.Contains('=') || name.Contains('\0')) Error(path + ".name", $"'{name}' is not a variable name (no = or NUL)");
            else if (!seen.Add(name)) Error(path + ".name", $"'{name}' is set twice");
            else if (text is not null) list.Add(new EnvironmentVariable(name, text));
        }
        return list;
    }

    /// <summary>An object's fields, refusing unknown and repeated ones.</summary>
    private bool Fields(string path, JsonElement item, string[] allowed, out Dictionary<string, JsonElement> fields)
    {
        fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (item.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"must be an object, not {Describe(item)}");
            return false;
        }
        bool ok = true;
        foreach (var p in item.EnumerateObject())
        {
            if (Array.IndexOf(allowed, p.Name) < 0)
            {
                Error($"{path}.{p.Name}", $"unknown field; expected {string.Join(", ", allowed)}");
                ok = false;
            }
            else if (!fields.TryAdd(p.Name, p.Value))
            {
                Error($"{path}.{p.Name}", "given twice");
                ok = false;
            }
        }
        return ok;
    }

    private List<JobConstraint>? Constraints(string field, JsonElement value)
    {
        if (!IsArray(field, value)) return null;
        var list = new List<JobConstraint>();
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{field}[{i++}]";
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 3 ||
                item.EnumerateArray().Any(part => part.ValueKind != JsonValueKind.String))
            {
                Error(path, "must be [attribute, operator, value], three strings, e.g. [\"rack\", \"EQUALS\", \"rack-1\"]");
                continue;
            }
            var (attribute, op, operand) = (item[0].GetString()!, item[1].GetString()!, item[2].GetString()!);
            if (attribute.Length == 0) { Error(path + "[0]", "the attribute name is empty"); continue; }
            ConstraintOperator? parsed = op switch
            {
                "EQUALS" => ConstraintOperator.Equal, "LIKE" => ConstraintOperator.Like, "UNLIKE" => ConstraintOperator.Unlike, _ => null,
            };
            if (parsed is null)
            {
                Error(path + "[1]", $"'{op}' is not a Chronos constraint operator (EQUALS, LIKE, UNLIKE)");
                continue;
            }
            if (parsed != ConstraintOperator.Equal && !IsRegex(operand, out var why))
            {
                Error(path + "[2]", $"'{operand}' is not a regular expression: {why}");
                continue;
            }
            list.Add(new JobConstraint(attribute, parsed.Value, operand));
        }
        return list;
    }

    private static bool IsRegex(string pattern, out string? why)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            why = null;
            return true;
        }
        catch (ArgumentException e)
        {
            why = e.Message;
            return false;
        }
    }

    private List<FetchUri>? Fetch(string field, JsonElement value)
    {
        if (!IsArray(field, value)) return null;
        var list = new List<FetchUri>();
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{field}[{i++}]";
            if (!Fields(path, item, ["uri", "executable", "cache", "extract", "output_file"], out var f)) continue;
            var uri = f.TryGetValue("uri", out var u) ? Text(path + ".uri", u) : null;
            if (uri is null) { Error(path + ".uri", "is required"); continue; }
            bool Flag(string name, bool fallback) => f.TryGetValue(name, out var b) ? Bool($"{path}.{name}", b) ?? fallback : fallback;
            var output = f.TryGetValue("output_file", out var o) ? Text(path + ".output_file", o) : null;
            list.Add(new FetchUri(uri, Flag("executable", false), Flag("cache", false), Flag("extract", true), output));
        }
        return list;
    }
}
