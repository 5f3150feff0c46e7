using System.Text.Json;
using Bridge.Schedulers.Jobs.Runs;
using Microsoft.AspNetCore.Http;

namespace Bridge.Schedulers.Jobs.Api.Internal;

/// <summary>
/// A job's runs: starting one by hand (<c>PUT /v1/scheduler/job/{name}</c>), killing its tasks
/// (<c>DELETE /v1/scheduler/task/kill/{name}</c>), and Bridge's run history
/// (<c>GET /v1/scheduler/job/{name}/history</c>; Chronos has no such path).
/// </summary>
internal static class RunsApi
{
    /// <summary>
    /// Starts a run now (<see cref="JobScheduler.RunNow"/>): 204; 404 when the job is unknown. Chronos'
    /// <c>arguments</c> query parameter gives the run its own arguments (<see cref="Run.Arguments"/>);
    /// 400 naming <c>arguments</c> when they hold a control character (a newline would end the shell
    /// command early) or pass 4,096 characters.
    /// </summary>
    public static async Task RunNowAsync(ApiContext api, HttpContext context, string text)
    {
        if (!ApiHttp.TryName(text, out var name))
        {
            await ApiHttp.UnknownJobAsync(context, text);
            return;
        }
        var arguments = ApiHttp.Query(context, "arguments");
        if (arguments is not null && (arguments.Length > MaxArguments || arguments.Any(char.IsControl)))
        {
            var error = new FieldError("arguments",
                $"must be at most {MaxArguments} characters of text without control characters (tabs, newlines)");
            await ApiHttp.ErrorAsync(context, StatusCodes.Status400BadRequest, error.Message, [error]);
            return;
        }
        var change = await api.Control.ChangeAsync((s, now, d) => s.RunNow(name, now, d, arguments));
        if (change.Succeeded) await ApiHttp.NoContent(context);
        else await ApiHttp.RefusedAsync(context, change);
    }

    private const int MaxArguments = 4096;

    /// <summary>Kills the job's active runs (<see cref="JobScheduler.Kill"/>): 204 (also when none is
    /// active); 404 when the job is unknown.</summary>
    public static async Task KillAsync(ApiContext api, HttpContext context, string text)
    {
        if (!ApiHttp.TryName(text, out var name))
        {
            await ApiHttp.UnknownJobAsync(context, text);
            return;
        }
        var change = await api.Control.ChangeAsync((s, now, d) => s.Kill(name, now, d));
        if (change.Succeeded) await ApiHttp.NoContent(context);
        else await ApiHttp.RefusedAsync(context, change);
    }

    /// <summary>
    /// 200, a JSON array of the job's runs, active and ended, newest first (by run number, then
    /// attempt), each as <see cref="WriteRun"/> writes it; 404 when the job is unknown. The history
    /// keeps the scheduler's last 100 ended runs (<see cref="JobSchedulerOptions.HistoryLimit"/>).
    /// </summary>
    public static async Task HistoryAsync(ApiContext api, HttpContext context, string text)
    {
        var runs = ApiHttp.TryName(text, out var name)
            ? await api.Control.ReadAsync((s, _) => s.Job(name)?.Runs.ToList())
            : null;
        if (runs is null)
        {
            await ApiHttp.UnknownJobAsync(context, text);
            return;
        }
        await ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray();
            foreach (var run in runs.OrderByDescending(r => r.Number).ThenByDescending(r => r.Attempt)) WriteRun(w, run);
            w.WriteEndArray();
        });
    }

    /// <summary>
    /// One attempt of a run: <c>runId</c> (<c>{job}:{number}</c>), <c>run</c> (number), <c>attempt</c>
    /// (0 first), <c>taskId</c>, <c>trigger</c> (<c>SCHEDULE</c>, <c>PARENTS</c>, <c>MANUAL</c>),
    /// <c>state</c> (<c>WAITING</c>, <c>QUEUED</c>, <c>LAUNCHED</c>, <c>RUNNING</c>, <c>SUCCEEDED</c>,
    /// <c>FAILED</c>, <c>KILLED</c>, <c>SKIPPED</c>), the instants <c>due</c>, <c>created</c>,
    /// <c>launched</c>, <c>started</c>, <c>ended</c> (Chronos' date format, UTC; null when not yet),
    /// <c>exitStatus</c> (null when the kernel reported none), <c>message</c>, <c>skipReason</c>
    /// (<c>PAST_STARTING_DEADLINE</c>, <c>CONCURRENT_RUN_ACTIVE</c>, <c>BACKLOG</c>; null unless
    /// skipped), <c>killRequested</c>, <c>arguments</c> (the run's own, or null), <c>agentId</c> and
    /// <c>agentHostname</c> (null before launch),
    /// <c>sandbox</c> (<c>{frameworkId}/{taskId}</c>, as the agent's files endpoint names it; null before
    /// launch), and <c>stdout</c>, <c>stderr</c>: the URLs that read them from the agent (Mesos'
    /// <c>/files/read</c> shape, <c>{"data", "offset"}</c>; null when the agent's endpoint is not known).
    /// </summary>
    public static void WriteRun(Utf8JsonWriter w, Run run)
    {
        w.WriteStartObject();
        w.WriteString("runId", $"{run.Job}:{run.Number}");
        w.WriteString("job", run.Job.Value);
        w.WriteNumber("run", run.Number);
        w.WriteNumber("attempt", run.Attempt);
        w.WriteString("taskId", run.TaskId);
        w.WriteString("trigger", Upper(run.Trigger.ToString()));
        w.WriteString("state", Upper(run.State.ToString()));
        ApiHttp.WriteInstant(w, "due", run.DueAt);
        ApiHttp.WriteInstant(w, "created", run.CreatedAt);
        ApiHttp.WriteInstant(w, "launched", run.LaunchedAt);
        ApiHttp.WriteInstant(w, "started", run.StartedAt);
        ApiHttp.WriteInstant(w, "ended", run.EndedAt);
        if (run.ExitCode is { } code) w.WriteNumber("exitStatus", code);
        else w.WriteNull("exitStatus");
        w.WriteString("message", run.Message);
        if (run.SkipReason == RunSkipReason.None) w.WriteNull("skipReason");
        else w.WriteString("skipReason", Upper(run.SkipReason.ToString()));
        w.WriteBoolean("killRequested", run.KillRequested);
        w.WriteString("agentId", run.AgentId);
        w.WriteString("agentHostname", run.Hostname);
        w.WriteString("arguments", run.Arguments);
        w.WriteString("sandbox", run.Sandbox);
        w.WriteString("stdout", SandboxFile(run, "stdout"));
        w.WriteString("stderr", SandboxFile(run, "stderr"));
        w.WriteEndObject();
    }

    /// <summary>The URL that reads <paramref name="file"/> of the run's sandbox from its agent, or null.</summary>
    private static string? SandboxFile(Run run, string file) =>
        run is { AgentUrl: { } url, Sandbox: { } sandbox } ? $"{url}/files/read?path={Uri.EscapeDataString($"{sandbox}/{file}")}&offset=0" : null;

    /// <summary><c>PastStartingDeadline</c> → <c>PAST_STARTING_DEADLINE</c>.</summary>
    private static string Upper(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));
}
