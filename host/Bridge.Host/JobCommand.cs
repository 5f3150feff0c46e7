using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Schedulers.Jobs.Runs;

namespace Bridge.Host;

/// <summary>
/// <c>bridge job add|run|history|list</c>: the jobs scheduler's client verbs, over its REST API
/// (Chronos' <c>/v1/scheduler</c>; <c>--jobs</c>, default <c>BRIDGE_JOBS</c> or http://127.0.0.1:4400).
/// Exit codes: 0 done, 1 refused or unreachable (the reason on stderr), 2 bad arguments.
/// </summary>
internal static class JobCommand
{
    public static Command Create()
    {
        var jobs = new Option<string>("--jobs")
        {
            Description = "The jobs scheduler's REST API.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_JOBS") ?? "http://127.0.0.1:4400",
            Recursive = true,
        };
        var job = new Command("job", "Add, run and inspect jobs (Chronos job definitions) on the jobs scheduler.") { jobs };
        job.Subcommands.Add(Add(jobs));
        job.Subcommands.Add(Run(jobs));
        job.Subcommands.Add(History(jobs));
        job.Subcommands.Add(List(jobs));
        return job;
    }

    private static Command Add(Option<string> jobs)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A Chronos job definition (JSON): with `schedule` or `cron`, or with `parents`." };
        var command = new Command("add", "Add the job, or replace it when it exists.") { file };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(jobs)!, async http =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) return Fail($"{path.FullName} does not exist", 2);
            var body = await File.ReadAllTextAsync(path.FullName, ct);
            var definition = JsonNode.Parse(body);
            // Chronos posts dependent jobs to /dependency and scheduled ones to /iso8601.
            var route = definition?["parents"] is JsonArray { Count: > 0 } ? "v1/scheduler/dependency" : "v1/scheduler/iso8601";
            var response = await http.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"), ct);
            if (!response.IsSuccessStatusCode) return Fail(await RefusalAsync(response, ct));
            Console.WriteLine($"added {definition?["name"]}");
            return 0;
        }, ct));
        return command;
    }

    private static Command Run(Option<string> jobs)
    {
        var name = new Argument<string>("NAME") { Description = "The job's name." };
        var arguments = new Argument<string[]>("ARGUMENTS")
        {
            Description = "Arguments for this run alone (after --), each kept whole: appended to a shell command, or in place of the job's arguments.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("run", "Run the job now (Chronos' PUT /v1/scheduler/job/NAME?arguments=...).") { name, arguments };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(jobs)!, async http =>
        {
            var given = RunArguments.Quote(parse.GetValue(arguments) ?? []);
            var query = given.Length > 0 ? "?arguments=" + Uri.EscapeDataString(given) : "";
            var response = await http.PutAsync($"v1/scheduler/job/{Uri.EscapeDataString(parse.GetValue(name)!)}{query}", null, ct);
            if (!response.IsSuccessStatusCode) return Fail(await RefusalAsync(response, ct));
            Console.WriteLine($"started {parse.GetValue(name)}; `bridge job history {parse.GetValue(name)}` shows the run");
            return 0;
        }, ct));
        return command;
    }

    private static Command History(Option<string> jobs)
    {
        var name = new Argument<string>("NAME") { Description = "The job's name." };
        var command = new Command("history", "The job's runs, newest first: when, how long, how they ended, where.") { name };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(jobs)!, async http =>
        {
            var response = await http.GetAsync($"v1/scheduler/job/{Uri.EscapeDataString(parse.GetValue(name)!)}/history", ct);
            if (!response.IsSuccessStatusCode) return Fail(await RefusalAsync(response, ct));
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
            var runs = body as JsonArray ?? body?["runs"] as JsonArray ?? [];
            Console.WriteLine($"{"RUN",4} {"ATTEMPT",7} {"STATE",-10} {"STARTED",-24} {"ENDED",-24} {"AGENT",-12} DETAIL");
            foreach (var run in runs)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Field(run, "run"),4} {Field(run, "attempt"),7} {Field(run, "state"),-10} {Field(run, "started"),-24} {Field(run, "ended"),-24} {Field(run, "agentHostname", "agent"),-12} {Field(run, "message", "skipReason", "exitStatus")}"));
            return 0;
        }, ct));
        return command;
    }

    private static Command List(Option<string> jobs)
    {
        var command = new Command("list", "List the jobs: schedule or parents, successes, errors, last success and error.");
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(jobs)!, async http =>
        {
            var response = await http.GetAsync("v1/scheduler/jobs", ct);
            if (!response.IsSuccessStatusCode) return Fail(await RefusalAsync(response, ct));
            Console.WriteLine($"{"NAME",-24} {"SCHEDULE",-36} {"OK",4} {"ERR",4}  LAST SUCCESS");
            foreach (var job in JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonArray ?? [])
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Field(job, "name"),-24} {Field(job, "schedule", "cron", "parents"),-36} {Field(job, "successCount"),4} {Field(job, "errorCount"),4}  {Field(job, "lastSuccess")}"));
            return 0;
        }, ct));
        return command;
    }

    /// <summary>The first of <paramref name="names"/> that <paramref name="node"/> has (arrays joined by ','), or "".</summary>
    private static string Field(JsonNode? node, params string[] names)
    {
        foreach (var name in names)
            if (node?[name] is { } value && value.ToString() is { Length: > 0 } text)
                return value is JsonArray array ? string.Join(",", array.Select(a => a?.ToString())) : text;
        return "";
    }

    private static Task<int> RunAsync(string address, Func<HttpClient, Task<int>> action, CancellationToken cancellationToken) =>
        RestClient.RunAsync("bridge job", address, "jobs scheduler", action);

    private static async Task<string> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound && text.Length == 0
            ? "404 Not Found: no such job"
            : $"{(int)response.StatusCode} {response.ReasonPhrase}: {text}";
    }

    private static int Fail(string message, int code = 1) => RestClient.Fail("bridge job", message, code);
}
