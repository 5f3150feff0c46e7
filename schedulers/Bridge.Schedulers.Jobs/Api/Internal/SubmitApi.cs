using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;
using Microsoft.AspNetCore.Http;

namespace Bridge.Schedulers.Jobs.Api.Internal;

/// <summary>
/// Adding, replacing and removing jobs (Chronos' Iso8601JobResource, DependentJobResource and
/// <c>DELETE /v1/scheduler/job/{name}</c>).
/// </summary>
internal static class SubmitApi
{
    /// <summary>Which POST endpoint a job came to.</summary>
    public enum Endpoint
    {
        /// <summary><c>/v1/scheduler/iso8601</c>: a job with <c>schedule</c> (or Metronome's <c>cron</c>).</summary>
        Iso8601,

        /// <summary><c>/v1/scheduler/dependency</c>: a job with <c>parents</c>.</summary>
        Dependency,
    }

    /// <summary>
    /// Adds the job in the body, or replaces the job of that name (Chronos' POST does both): 204,
    /// with <c>Bridge-Unsupported</c> when accepted fields are not honoured. A new job starts from the
    /// status fields the body carries (Chronos clients post back what GET gave them); a replaced job
    /// keeps its own status, runs and history. 400 naming every field at fault for an invalid job,
    /// for a job of the other endpoint's kind, for unknown parents, a cycle or a name too long; 413
    /// for a body over the limit.
    /// </summary>
    public static async Task PostAsync(ApiContext api, HttpContext context, Endpoint endpoint)
    {
        if (await ApiHttp.BodyAsync(api, context) is not { } body) return;
        var parsed = JobJson.Parse(body);
        if (parsed.Definition is not { } job)
        {
            var errors = parsed.Errors.Select(e => new FieldError(e.Field, e.Message)).ToList();
            await ApiHttp.ErrorAsync(context, StatusCodes.Status400BadRequest,
                "invalid job: " + string.Join("; ", parsed.Errors.Select(e => e.ToString())), errors);
            return;
        }
        if (WrongEndpoint(job, endpoint) is { } wrong)
        {
            await ApiHttp.ErrorAsync(context, StatusCodes.Status400BadRequest, wrong.Message, [wrong]);
            return;
        }
        var change = await api.Control.ChangeAsync((s, now, d) =>
            s.Job(job.Name) is null ? s.Add(job, parsed.Status, now, d) : s.Replace(job, now, d));
        if (!change.Succeeded)
        {
            await ApiHttp.RefusedAsync(context, change);
            return;
        }
        ApiHttp.SetUnsupportedHeader(context, parsed.Unsupported);
        await ApiHttp.NoContent(context);
    }

    /// <summary>
    /// Removes a job (<see cref="JobScheduler.Remove"/>: its tasks are killed, its history dropped, its
    /// children rewired as Chronos does): 204; 404 when unknown.
    /// </summary>
    public static async Task DeleteAsync(ApiContext api, HttpContext context, string text)
    {
        if (!ApiHttp.TryName(text, out var name))
        {
            await ApiHttp.UnknownJobAsync(context, text);
            return;
        }
        var change = await api.Control.ChangeAsync((s, now, d) => s.Remove(name, now, d));
        if (change.Succeeded) await ApiHttp.NoContent(context);
        else await ApiHttp.RefusedAsync(context, change);
    }

    /// <summary>Why <paramref name="job"/> does not belong at <paramref name="endpoint"/>, naming its field; null when it does.</summary>
    private static FieldError? WrongEndpoint(JobDefinition job, Endpoint endpoint) => (endpoint, job.Kind) switch
    {
        (Endpoint.Iso8601, JobKind.Dependent) => new FieldError("parents",
            "a job with parents is a dependent job: POST it to /v1/scheduler/dependency (/v1/scheduler/iso8601 takes jobs with a schedule or a cron)"),
        (Endpoint.Dependency, JobKind.Scheduled) => new FieldError("schedule",
            "a job with a schedule is a scheduled job: POST it to /v1/scheduler/iso8601 (/v1/scheduler/dependency takes jobs with parents)"),
        (Endpoint.Dependency, JobKind.Cron) => new FieldError("cron",
            "a job with a cron is a scheduled job: POST it to /v1/scheduler/iso8601 (/v1/scheduler/dependency takes jobs with parents)"),
        _ => null,
    };
}
