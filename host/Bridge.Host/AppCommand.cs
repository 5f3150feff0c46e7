using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Bridge.Host;

/// <summary>
/// <c>bridge app deploy|list|scale|why</c>: the services scheduler's client verbs, over its REST API
/// (Marathon's <c>/v2</c>; <c>--services</c>, default <c>BRIDGE_SERVICES</c> or http://127.0.0.1:8080).
/// Exit codes: 0 done, 1 refused or unreachable (the reason on stderr), 2 bad arguments.
/// </summary>
internal static class AppCommand
{
    public static Command Create()
    {
        var services = new Option<string>("--services")
        {
            Description = "The services scheduler's REST API.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_SERVICES") ?? "http://127.0.0.1:8080",
            Recursive = true,
        };
        var app = new Command("app", "Deploy and inspect services (Marathon app definitions) on the services scheduler.") { services };
        app.Subcommands.Add(Deploy(services));
        app.Subcommands.Add(List(services));
        app.Subcommands.Add(Scale(services));
        app.Subcommands.Add(Why(services));
        return app;
    }

    private static Command Deploy(Option<string> services)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A Marathon app definition (JSON)." };
        var force = new Option<bool>("--force") { Description = "Replace a deployment of the app under way." };
        var command = new Command("deploy", "Create the app, or update it when it exists; prints the deployment id.") { file, force };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(services)!, async http =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) return Fail($"{path.FullName} does not exist", 2);
            var body = await File.ReadAllTextAsync(path.FullName, ct);
            var response = await http.PostAsync("v2/apps", Json(body), ct);
            if (response.StatusCode == HttpStatusCode.Conflict && JsonNode.Parse(body)?["id"]?.GetValue<string>() is { } id
                && (await Body(response, ct))?["message"]?.GetValue<string>()?.Contains("already exists", StringComparison.Ordinal) == true)
                response = await http.PutAsync($"v2/apps/{id.TrimStart('/')}?partialUpdate=false&force={(parse.GetValue(force) ? "true" : "false")}", Json(body), ct);
            var result = await Body(response, ct);
            if (!response.IsSuccessStatusCode) return Fail(Refusal(response, result));
            var deployment = result?["deployments"]?.AsArray().FirstOrDefault()?["id"]?.GetValue<string>() ?? result?["deploymentId"]?.GetValue<string>();
            Console.WriteLine($"deployed {result?["id"]?.GetValue<string>() ?? JsonNode.Parse(body)?["id"]}: deployment {deployment}");
            if (response.Headers.TryGetValues("Bridge-Unsupported", out var unsupported))
                Console.Error.WriteLine($"accepted but not supported: {string.Join("; ", unsupported)}");
            return 0;
        }, ct));
        return command;
    }

    private static Command List(Option<string> services)
    {
        var command = new Command("list", "List the apps: instances, running, healthy, deployments under way.");
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(services)!, async http =>
        {
            var response = await http.GetAsync("v2/apps", ct);
            var result = await Body(response, ct);
            if (!response.IsSuccessStatusCode) return Fail(Refusal(response, result));
            Console.WriteLine($"{"ID",-30} {"INSTANCES",9} {"RUNNING",7} {"HEALTHY",7} {"STAGED",6}  DEPLOYMENTS");
            foreach (var a in result?["apps"]?.AsArray() ?? [])
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{a?["id"],-30} {a?["instances"],9} {a?["tasksRunning"],7} {a?["tasksHealthy"],7} {a?["tasksStaged"],6}  {string.Join(",", a?["deployments"]?.AsArray().Select(d => d?["id"]?.GetValue<string>()) ?? [])}"));
            return 0;
        }, ct));
        return command;
    }

    private static Command Scale(Option<string> services)
    {
        var id = new Argument<string>("ID") { Description = "The app's id, e.g. /web." };
        var instances = new Argument<int>("N") { Description = "The new instance count (0 suspends the app)." };
        var force = new Option<bool>("--force") { Description = "Replace a deployment of the app under way." };
        var command = new Command("scale", "Set an app's instance count; prints the deployment id.") { id, instances, force };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(services)!, async http =>
        {
            if (parse.GetValue(instances) < 0) return Fail("N must be at least 0", 2);
            var response = await http.PutAsync($"v2/apps/{parse.GetValue(id)!.TrimStart('/')}?force={(parse.GetValue(force) ? "true" : "false")}",
                Json($$"""{"instances": {{parse.GetValue(instances)}}}"""), ct);
            var result = await Body(response, ct);
            if (!response.IsSuccessStatusCode) return Fail(Refusal(response, result));
            Console.WriteLine($"scaling {parse.GetValue(id)} to {parse.GetValue(instances)}: deployment {result?["deploymentId"]}");
            return 0;
        }, ct));
        return command;
    }

    private static Command Why(Option<string> services)
    {
        var id = new Argument<string>("ID") { Description = "The app's id, e.g. /web." };
        var command = new Command("why", "Explain why an app is not launching: the offers it saw and why each did not fit (/v2/queue).") { id };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(services)!, async http =>
        {
            var wanted = "/" + parse.GetValue(id)!.Trim('/');
            var response = await http.GetAsync("v2/queue?embed=lastUnusedOffers", ct);
            var result = await Body(response, ct);
            if (!response.IsSuccessStatusCode) return Fail(Refusal(response, result));
            var item = result?["queue"]?.AsArray().FirstOrDefault(q => q?["app"]?["id"]?.GetValue<string>() == wanted);
            if (item is null)
            {
                var app = await http.GetAsync($"v2/apps/{wanted.TrimStart('/')}", ct);
                if (app.StatusCode == HttpStatusCode.NotFound) return Fail($"app {wanted} does not exist");
                Console.WriteLine($"{wanted} is not waiting for offers: every instance it wants is launched");
                return 0;
            }
            Console.Write(Explain(wanted, item));
            return 0;
        }, ct));
        return command;
    }

    /// <summary>The explanation of one <c>/v2/queue</c> item, in words.</summary>
    internal static string Explain(string id, JsonNode item)
    {
        var text = new StringBuilder();
        var summary = item["processedOffersSummary"];
        text.AppendLine(CultureInfo.InvariantCulture, $"{id}: {item["count"]} instance(s) waiting since {item["since"]}");
        var delay = item["delay"];
        if (delay?["overdue"]?.GetValue<bool>() == false)
            text.AppendLine(CultureInfo.InvariantCulture, $"  backing off after failures: {delay["timeLeftSeconds"]} s before the next launch{(delay["cooldown"]?.GetValue<bool>() == true ? " (in cooldown: it keeps failing)" : "")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  offers processed: {summary?["processedOffersCount"]}, unused: {summary?["unusedOffersCount"]}");
        var reasons = summary?["rejectSummaryLastOffers"]?.AsArray().Where(s => s?["declined"]?.GetValue<int>() > 0).ToList() ?? [];
        if (reasons.Count == 0) text.AppendLine("  no offer was rejected (none seen yet, or the app is waiting for its backoff)");
        else
        {
            text.AppendLine("  last offer of each agent, rejected because:");
            foreach (var r in reasons) text.AppendLine(CultureInfo.InvariantCulture, $"    {r?["reason"],-24} {r?["declined"]} of {r?["processed"]} agents");
        }
        return text.ToString();
    }

    private static Task<int> RunAsync(string address, Func<HttpClient, Task<int>> action, CancellationToken cancellationToken) =>
        RestClient.RunAsync("bridge app", address, "services scheduler", action);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonNode?> Body(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>Marathon's error body in words: its message, and each invalid path with its errors.</summary>
    private static string Refusal(HttpResponseMessage response, JsonNode? body)
    {
        var text = new StringBuilder($"{(int)response.StatusCode} {response.ReasonPhrase}: {(body is JsonObject ? body["message"] : body)}");
        foreach (var detail in (body as JsonObject)?["details"]?.AsArray() ?? [])
            text.Append(CultureInfo.InvariantCulture, $"\n  {detail?["path"]}: {string.Join("; ", detail?["errors"]?.AsArray().Select(e => e?.ToString()) ?? [])}");
        return text.ToString();
    }

    private static int Fail(string message, int code = 1) => RestClient.Fail("bridge app", message, code);
}
