using Bridge.Schedulers.Jobs.Definitions;
using Microsoft.AspNetCore.Http;

namespace Bridge.Schedulers.Jobs.Api.Internal;

/// <summary>
/// Reading jobs (Chronos' JobManagementResource and GraphManagementResource): <c>GET
/// /v1/scheduler/jobs</c>, <c>GET /v1/scheduler/jobs/search</c>, <c>GET /v1/scheduler/job/{name}</c>,
/// <c>GET /v1/scheduler/graph/dot</c>. Each job is <see cref="JobJson.Write(JobDefinition, JobStatus?)"/>'s
/// object: the definition and Chronos' status fields (<c>successCount</c>, <c>errorCount</c>,
/// <c>lastSuccess</c>, <c>lastError</c>, <c>errorsSinceLastSuccess</c>).
/// </summary>
internal static class JobsApi
{
    /// <summary>Chronos' default page size for search (<c>limit</c>).</summary>
    public const int DefaultSearchLimit = 10;

    /// <summary>200, a JSON array of every job, in name order.</summary>
    public static async Task ListAsync(ApiContext api, HttpContext context)
    {
        var jobs = await api.Control.ReadAsync((s, _) => s.Jobs.Select(j => (j.Definition, j.Status)).ToList());
        await WriteJobsAsync(context, jobs);
    }

    /// <summary>
    /// 200, the jobs matching the terms, in name order, from <c>offset</c> (default 0) at most
    /// <c>limit</c> (default 10). Terms match case-insensitively as substrings: a job matches when
    /// its name contains <c>name</c> and its command contains <c>command</c> (those given), or when
    /// its name or command contains <c>any</c>; with no term, every job. 400 when <c>limit</c> or
    /// <c>offset</c> is not a whole number ≥ 0.
    /// </summary>
    /// <remarks>Chronos combines the terms the same way, except that there <c>any</c> alone matches
    /// every job (its filter starts from "valid" and <c>any</c> only widens).</remarks>
    public static async Task SearchAsync(ApiContext api, HttpContext context)
    {
        if (!ApiHttp.TryCount(context, "limit", DefaultSearchLimit, out var limit, out var error)
            || !ApiHttp.TryCount(context, "offset", 0, out var offset, out error))
        {
            await ApiHttp.ErrorAsync(context, StatusCodes.Status400BadRequest, error.Message, [error]);
            return;
        }
        var name = ApiHttp.Query(context, "name");
        var command = ApiHttp.Query(context, "command");
        var any = ApiHttp.Query(context, "any");
        var jobs = await api.Control.ReadAsync((s, _) => s.Jobs.Select(j => (j.Definition, j.Status)).ToList());
        var found = jobs.Where(j => Matches(j.Definition, name, command, any)).Skip(offset).Take(limit).ToList();
        await WriteJobsAsync(context, found);
    }

    /// <summary>200 with the job's object (Chronos 3's <c>GET /v1/scheduler/job/{name}</c>); 404 when unknown.</summary>
    public static async Task ShowAsync(ApiContext api, HttpContext context, string text)
    {
        var job = ApiHttp.TryName(text, out var name)
            ? await api.Control.ReadAsync((s, _) => s.Job(name) is { } j ? (j.Definition, j.Status) : default((JobDefinition, JobStatus)?))
            : null;
        if (job is not { } found)
        {
            await ApiHttp.UnknownJobAsync(context, text);
            return;
        }
        await ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w => JobJson.Write(w, found.Item1, found.Item2));
    }

    /// <summary>200, the job graph in Graphviz' DOT language (<see cref="Dependencies.JobGraph.ToDot"/>),
    /// as <c>text/vnd.graphviz</c>.</summary>
    public static async Task DotAsync(ApiContext api, HttpContext context)
    {
        var graph = await api.Control.ReadAsync((s, _) => s.Graph);
        await ApiHttp.TextAsync(context, "text/vnd.graphviz; charset=utf-8", graph.ToDot());
    }

    /// <summary>Whether a job matches the search terms (null: not given).</summary>
    public static bool Matches(JobDefinition job, string? name, string? command, string? any)
    {
        static bool Has(string text, string term) => text.Contains(term, StringComparison.OrdinalIgnoreCase);
        bool narrowed = name is not null || command is not null;
        bool byTerms = (name is null || Has(job.Name.Value, name)) && (command is null || Has(job.Command, command));
        bool byAny = any is not null && (Has(job.Name.Value, any) || Has(job.Command, any));
        return narrowed ? byTerms || byAny : any is null || byAny;
    }

    private static Task WriteJobsAsync(HttpContext context, IEnumerable<(JobDefinition Definition, JobStatus Status)> jobs) =>
        ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray();
            foreach (var (definition, status) in jobs) JobJson.Write(w, definition, status);
            w.WriteEndArray();
        });
}
