using System.Globalization;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Applications;
using Microsoft.AspNetCore.Http;

namespace Bridge.Yarn.ResourceManager.Server.Rest;

/// <summary>
/// The filters of <c>GET /ws/v1/cluster/apps</c> (Hadoop's RMWebServices.getApps): <c>states</c> (comma-separated;
/// the deprecated <c>state</c> adds to it), <c>finalStatus</c>, <c>user</c>, <c>queue</c>, <c>limit</c>,
/// <c>startedTimeBegin/End</c> and <c>finishedTimeBegin/End</c> (ms since the epoch, inclusive; a running
/// application's finishedTime is 0), <c>applicationTypes</c> (comma-separated, case-insensitive), <c>applicationTags</c>
/// (any of, comma-separated, case-insensitive) and <c>deSelects</c> (<c>resourceRequests</c> leaves them out). A
/// malformed value is a 400 naming the parameter; unknown parameters are ignored, as Hadoop does.
/// </summary>
internal sealed class AppsQuery
{
    private static readonly string[] DeSelectable = ["resourceRequests", "timeouts", "appNodeLabelExpression", "amNodeLabelExpression", "resourceInfo"];

    private HashSet<RmAppState>? _states;
    private bool _savingStatesOnly;
    private FinalApplicationStatus? _finalStatus;
    private string? _user;
    private string? _queue;
    private long? _limit;
    private long _startedBegin, _startedEnd = long.MaxValue, _finishedBegin, _finishedEnd = long.MaxValue;
    private HashSet<string>? _types;
    private HashSet<string>? _tags;

    /// <summary>False when <c>deSelects</c> named <c>resourceRequests</c>.</summary>
    public bool WithResourceRequests { get; private set; } = true;

    /// <summary>Parses the query string.</summary>
    /// <exception cref="RestException">400 for a malformed parameter (named).</exception>
    public static AppsQuery Parse(IQueryCollection query)
    {
        var q = new AppsQuery();
        var states = List(query, "states").Concat(List(query, "state")).ToList();
        if (states.Count > 0)
        {
            q._states = [];
            foreach (var s in states)
            {
                if (!StateConversion.TryParseAppState(s, out var state, out _))
                    throw RestException.BadRequest($"Invalid application-state {s} specified. It should be one of NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED, KILLED");
                if (state is { } st) q._states.Add(st);
            }
            q._savingStatesOnly = q._states.Count == 0;
        }
        if (Single(query, "finalStatus") is { } fs)
        {
            q._finalStatus = Enum.TryParse<FinalApplicationStatus>(fs, ignoreCase: true, out var f) && Enum.IsDefined(f) && !int.TryParse(fs, out _)
                ? f : throw RestException.BadRequest($"finalStatus: '{fs}' is not one of UNDEFINED, SUCCEEDED, FAILED, KILLED");
        }
        q._user = Single(query, "user");
        q._queue = Single(query, "queue");
        if (Single(query, "limit") is { } limit)
        {
            q._limit = Long(limit, "limit");
            if (q._limit <= 0) throw RestException.BadRequest($"limit: {limit} must be greater than 0");
        }
        (q._startedBegin, q._startedEnd) = Range(query, "startedTimeBegin", "startedTimeEnd");
        (q._finishedBegin, q._finishedEnd) = Range(query, "finishedTimeBegin", "finishedTimeEnd");
        if (List(query, "applicationTypes").ToList() is { Count: > 0 } types)
            q._types = types.Select(t => t.ToLowerInvariant()).ToHashSet();
        if (List(query, "applicationTags").ToList() is { Count: > 0 } tags)
            q._tags = tags.Select(t => t.ToLowerInvariant()).ToHashSet();
        foreach (var d in List(query, "deSelects"))
        {
            if (!DeSelectable.Contains(d, StringComparer.OrdinalIgnoreCase))
                throw RestException.BadRequest($"deSelects: '{d}' is not one of {string.Join(", ", DeSelectable)}");
            if (d.Equals("resourceRequests", StringComparison.OrdinalIgnoreCase)) q.WithResourceRequests = false;
        }
        return q;
    }

    /// <summary>The applications that pass every filter, in id order, at most <c>limit</c> of them.</summary>
    public IReadOnlyList<ApplicationView> Apply(IEnumerable<ApplicationView> apps)
    {
        var matching = apps.Where(Matches);
        return (_limit is { } n ? matching.Take((int)Math.Min(n, int.MaxValue)) : matching).ToList();
    }

    private bool Matches(ApplicationView view)
    {
        var r = view.Report;
        if (_savingStatesOnly) return false;
        if (_states is not null && !_states.Contains(r.State)) return false;
        if (_finalStatus is { } f && r.FinalStatus != f) return false;
        if (_user is not null && r.User != _user) return false;
        if (_queue is not null && r.Queue != _queue) return false;
        var started = r.StartedTime.ToEpochMs();
        if (started < _startedBegin || started > _startedEnd) return false;
        var finished = r.FinishedTime?.ToEpochMs() ?? 0;
        if (finished < _finishedBegin || finished > _finishedEnd) return false;
        if (_types is not null && !_types.Contains(r.ApplicationType.ToLowerInvariant())) return false;
        if (_tags is not null && !view.Tags.Any(_tags.Contains)) return false;
        return true;
    }

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrWhiteSpace(v[^1]) ? v[^1]!.Trim() : null;

    private static IEnumerable<string> List(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values)
            ? values.SelectMany(v => (v ?? "").Split(',')).Select(s => s.Trim()).Where(s => s.Length > 0)
            : [];

    private static long Long(string text, string name) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v : throw RestException.BadRequest($"{name}: '{text}' is not an integer");

    private static (long Begin, long End) Range(IQueryCollection query, string beginName, string endName)
    {
        long begin = 0, end = long.MaxValue;
        if (Single(query, beginName) is { } b)
        {
            begin = Long(b, beginName);
            if (begin < 0) throw RestException.BadRequest($"{beginName}: {begin} must be greater than 0");
        }
        if (Single(query, endName) is { } e)
        {
            end = Long(e, endName);
            if (end < 0) throw RestException.BadRequest($"{endName}: {end} must be greater than 0");
        }
        if (begin > end) throw RestException.BadRequest($"{endName}: {end} must be greater than {beginName} {begin}");
        return (begin, end);
    }
}
