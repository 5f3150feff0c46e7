using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Definitions;

/// <summary>The rules between fields, applied once every field is read.</summary>
internal sealed partial class JobJsonReader
{
    private JobDefinition? Build()
    {
        var name = RequiredName();
        var command = _command;
        if (command is null && !_present.Contains("command")) Error("command", "is required (the command line to run)");
        else if (command is null) Error("command", "must not be empty");
        var arguments = _arguments ?? [];
        if ((_shell ?? true) && arguments.Count > 0)
        {
            Error("arguments", "are ignored by Chronos when \"shell\" is true; set \"shell\": false to pass them to the command, " +
                               "or write them into the command line");
        }

        var (schedule, cron, parents) = When();
        var timeZone = Pick("scheduleTimeZone", _scheduleTimeZone, "timezone", _timezone);
        if (timeZone is not null && _parents is { Count: > 0 })
            Error(_scheduleTimeZone is not null ? "scheduleTimeZone" : "timezone", "a dependent job has no schedule for a time zone to apply to");
        else if (timeZone is not null && !TimeZones.TryFind(timeZone, out _, out var zoneError))
            Error(_scheduleTimeZone is not null ? "scheduleTimeZone" : "timezone", zoneError);
        else if (schedule is not null && !JobSchedule.TryCreate(schedule, timeZone, DateTimeOffset.UnixEpoch, out _, out var scheduleError))
            Error("schedule", scheduleError);

        bool metronome = cron is not null;
        var deadline = StartingDeadline(metronome);
        var concurrency = Concurrency(metronome);
        var fetch = FetchList();
        bool disabled = Disabled();
        if (_errors.Count > 0 || name is null || command is null) return null;

        return new JobDefinition
        {
            Name = name.Value, Command = command, Arguments = ValueList.From(arguments), Shell = _shell ?? true,
            Schedule = schedule, Cron = cron, Parents = parents, TimeZone = timeZone,
            StartingDeadline = deadline, ConcurrencyPolicy = concurrency,
            Retries = _retries ?? JobDefaults.Retries, Disabled = disabled,
            Cpus = _cpus ?? JobDefaults.Cpus, MemMb = _mem ?? JobDefaults.MemMb, DiskMb = _disk ?? JobDefaults.DiskMb,
            EnvironmentVariables = ValueList.From(_environment ?? []), Constraints = ValueList.From(_constraints ?? []),
            Fetch = fetch, Owner = _owner, OwnerName = _ownerName, Description = _description,
        };
    }

    private JobName? RequiredName()
    {
        if (_name is null)
        {
            Error("name", _present.Contains("name") ? "must not be empty" : "is required");
            return null;
        }
        if (JobName.TryParse(_name, out var name, out var error)) return name;
        Error("name", error);
        return null;
    }

    /// <summary>Exactly one of schedule, cron and parents.</summary>
    private (RepeatingInterval?, CronSpec?, ValueList<JobName>) When()
    {
        var given = new List<string>();
        if (_scheduleText is not null) given.Add("schedule");
        if (_cron is not null) given.Add("cron");
        if (_parents is { Count: > 0 }) given.Add("parents");
        if (given.Count == 0)
        {
            Error(_parents is not null ? "parents" : "schedule",
                "a job needs one of \"schedule\" (ISO 8601, e.g. R/2026-03-08T01:30:00Z/PT1H), \"cron\" (e.g. 30 2 * * *) " +
                "or \"parents\" (a non-empty list of job names)");
            return (null, null, ValueList<JobName>.Empty);
        }
        if (given.Count > 1)
        {
            Error(given[1], $"a job has exactly one of \"schedule\", \"cron\" and \"parents\"; this one has {string.Join(" and ", given)}");
            return (null, null, ValueList<JobName>.Empty);
        }
        RepeatingInterval? schedule = null;
        if (_scheduleText is not null && !RepeatingInterval.TryParse(_scheduleText, out schedule, out var scheduleError))
            Error("schedule", scheduleError);
        CronSpec? cron = null;
        if (_cron is not null && !CronSpec.TryParse(_cron, out cron, out var cronError)) Error("cron", cronError);
        return (schedule, cron, Parents());
    }

    private ValueList<JobName> Parents()
    {
        if (_parents is null) return ValueList<JobName>.Empty;
        var names = new SortedSet<JobName>();
        for (int i = 0; i < _parents.Count; i++)
        {
            if (!JobName.TryParse(_parents[i], out var parent, out var error)) Error($"parents[{i}]", error);
            else if (!names.Add(parent)) Error($"parents[{i}]", $"'{parent}' is listed twice");
        }
        return ValueList.From(names);
    }

    /// <summary>Two spellings of one setting: at most one may be given.</summary>
    private string? Pick(string first, string? firstValue, string second, string? secondValue)
    {
        if (firstValue is not null && secondValue is not null)
        {
            Error(second, $"\"{first}\" and \"{second}\" mean the same; give one of them");
            return null;
        }
        return firstValue ?? secondValue;
    }

    /// <summary>Chronos' disabled, or Metronome's schedule flag enabled (its inverse); not both.</summary>
    private bool Disabled()
    {
        if (_disabled is not null && _enabled is not null)
        {
            Error("enabled", "\"disabled\" and \"enabled\" both say whether the job runs; give one of them");
            return false;
        }
        return _disabled ?? !(_enabled ?? true);
    }

    private TimeSpan StartingDeadline(bool metronome)
    {
        if (_epsilon is not null && _startingDeadlineSeconds is not null)
        {
            Error("startingDeadlineSeconds", "\"epsilon\" and \"startingDeadlineSeconds\" both set the starting deadline; give one of them");
            return default;
        }
        if (_startingDeadlineSeconds is { } seconds) return TimeSpan.FromSeconds(seconds);
        if (_epsilon is null) return metronome ? JobDefaults.MetronomeStartingDeadline : JobDefaults.ChronosStartingDeadline;
        if (!IsoDuration.TryParse(_epsilon, out var duration, out var error))
        {
            Error("epsilon", error);
            return default;
        }
        if (!duration.TryGetFixedLength(out var length))
        {
            Error("epsilon", $"'{_epsilon}' has years or months, whose length varies; use days, hours, minutes or seconds");
            return default;
        }
        if (length < TimeSpan.FromSeconds(1) || length.Ticks % TimeSpan.TicksPerSecond != 0 || length.TotalSeconds > int.MaxValue)
        {
            Error("epsilon", $"'{_epsilon}' must be whole seconds, at least PT1S");
            return default;
        }
        return length;
    }

    private ConcurrencyPolicy Concurrency(bool metronome)
    {
        if (_concurrent is not null && _concurrencyPolicy is not null)
        {
            Error("concurrencyPolicy", "\"concurrent\" and \"concurrencyPolicy\" both set the concurrency policy; give one of them");
            return default;
        }
        if (_concurrent is { } concurrent) return concurrent ? ConcurrencyPolicy.Allow : ConcurrencyPolicy.Forbid;
        switch (_concurrencyPolicy)
        {
            case null: return metronome ? JobDefaults.MetronomeConcurrency : JobDefaults.ChronosConcurrency;
            case "ALLOW": return ConcurrencyPolicy.Allow;
            case "FORBID": return ConcurrencyPolicy.Forbid;
            default:
                Error("concurrencyPolicy", $"'{_concurrencyPolicy}' is not ALLOW or FORBID");
                return default;
        }
    }

    /// <summary>fetch, or the deprecated uris as fetch items with the defaults; not both (Chronos'
    /// rule).</summary>
    private ValueList<FetchUri> FetchList()
    {
        if (_uris is { Count: > 0 } && _fetch is { Count: > 0 })
        {
            Error("uris", "\"uris\" (deprecated) and \"fetch\" cannot both be given; move the uris into fetch");
            return ValueList<FetchUri>.Empty;
        }
        for (int i = 0; _uris is not null && i < _uris.Count; i++)
            if (_uris[i].Length == 0) Error($"uris[{i}]", "is empty");
        return ValueList.From(_fetch ?? _uris?.Select(u => new FetchUri(u)).ToList() ?? []);
    }
}
