using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Bridge.Host;

/// <summary>
/// <c>bridge state [--master HOST:PORT] [--json]</c>: the master's <c>GET /api/v1/state</c> as tables
/// (agents with used/total resources, frameworks, tasks, roles with weights, dominant shares and
/// quota), or with <c>--json</c> the JSON as the master sent it. Exit 1 when the master cannot be
/// reached or answers with an error.
/// </summary>
internal static class StateCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var master = new Option<string>("--master")
        {
            Description = "The master, HOST:PORT; several, comma-separated, when masters elect a leader in etcd (the first that answers; a standby redirects to the leader).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_MASTER") ?? "127.0.0.1:5050",
        };
        var json = new Option<bool>("--json") { Description = "Print the master's JSON as is." };
        var command = new Command("state", "Show the master's agents, frameworks, tasks and roles.") { master, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Shutdown.MastersOrReport(parse.GetValue(master)!, "state") is not { } masters) return 2;
            if (await FetchAsync(masters, cancellationToken) is not ({ } body, { } uri)) return 1;
            if (parse.GetValue(json))
            {
                Console.WriteLine(body);
                return 0;
            }
            try
            {
                using var document = JsonDocument.Parse(body);
                Render(document.RootElement);
                return 0;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                Console.Error.WriteLine($"bridge state: the master at {uri.Authority} sent state this version cannot read ({e.Message}); try --json");
                return 1;
            }
        });
        return command;
    }

    /// <summary>The state from the first of <paramref name="masters"/> that answers it (a standby's 307 to the leader is
    /// followed); null after saying on stderr, for each master, why none did.</summary>
    private static async Task<(string? Body, Uri? Master)> FetchAsync(IReadOnlyList<Uri> masters, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        foreach (var master in masters)
        {
            var (body, error) = await FetchAsync(master, cancellationToken);
            if (body is not null) return (body, master);
            errors.Add(error!);
        }
        foreach (var error in errors) Console.Error.WriteLine($"bridge state: {error}");
        return (null, null);
    }

    /// <summary>The state's JSON, or why there is none.</summary>
    private static async Task<(string? Body, string? Error)> FetchAsync(Uri master, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = master, Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync("/api/v1/state", cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? (body, null) : (null, $"the master at {master.Authority} answered HTTP {(int)response.StatusCode}: {body.Trim()}");
        }
        catch (HttpRequestException e)
        {
            return (null, $"cannot reach the master at {master.Authority}: {e.Message} (is it running? see --master)");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"the master at {master.Authority} did not answer within {Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>The terminal's width and colors; when the output goes to a file or a pipe, no colors and wide lines.</summary>
    private static IAnsiConsole Output()
    {
        if (!Console.IsOutputRedirected) return AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(Console.Out) });
        console.Profile.Width = 200;
        return console;
    }

    private static void Render(JsonElement state)
    {
        var console = Output();
        var m = state.GetProperty("master");
        console.MarkupLine($"[bold]master[/] {Esc(Str(m, "id"))} at {Esc(Str(m, "address"))} (bridge {Esc(Str(m, "version"))})");
        var names = new Dictionary<string, string>();
        foreach (var a in Array(state, "agents").Concat(Array(state, "unreachable_agents"))) names[Str(a, "id")] = Str(a, "hostname");
        foreach (var f in Array(state, "frameworks")) names[Str(f, "id")] = Str(f, "name");
        var tasks = Array(state, "tasks").Concat(Array(state, "unreachable_tasks")).ToList();
        Show(console, Agents(state, tasks));
        Show(console, Frameworks(state, tasks));
        Show(console, Tasks(tasks, names, Array(state, "completed_tasks").Count()));
        Show(console, RolesTable(state));
    }

    private static Table Agents(JsonElement state, List<JsonElement> tasks)
    {
        var table = Table("Agents", "ID", "Hostname", "State", "CPUs", "Mem (MB)", "Disk (MB)", "Offered", "Tasks");
        table.Caption("resources: used / total");
        foreach (var a in Array(state, "agents"))
        {
            var id = Str(a, "id");
            var total = a.GetProperty("resources");
            var used = a.GetProperty("used_resources");
            table.AddRow(Esc(id), Esc(Str(a, "hostname")), "[green]active[/]", UsedOf(used, total, "cpus"), UsedOf(used, total, "mem"), UsedOf(used, total, "disk"),
                Esc(Short(a.GetProperty("offered_resources"))), tasks.Count(t => Str(t, "agent_id") == id).ToString(CultureInfo.InvariantCulture));
        }
        foreach (var a in Array(state, "unreachable_agents"))
            table.AddRow(Esc(Str(a, "id")), Esc(Str(a, "hostname")), "[red]unreachable[/]", "-", "-", "-", "-", "-");
        foreach (var a in Array(state, "recovered_agents"))
            table.AddRow(Esc(Str(a, "id")), Esc(Str(a, "hostname")), "[yellow]awaiting re-registration[/]", "-", "-", "-", "-", "-");
        return table;
    }

    private static Table Frameworks(JsonElement state, List<JsonElement> tasks)
    {
        var table = Table("Frameworks", "ID", "Name", "Roles", "State", "Tasks", "CPUs", "Mem (MB)", "Offered");
        foreach (var f in Array(state, "frameworks"))
        {
            var id = Str(f, "id");
            var used = f.GetProperty("used_resources");
            table.AddRow(Esc(id), Esc(Str(f, "name")), Esc(string.Join(",", Array(f, "roles").Select(r => r.GetString()))),
                f.GetProperty("connected").GetBoolean() ? "[green]connected[/]" : "[yellow]disconnected[/]",
                tasks.Count(t => Str(t, "framework_id") == id).ToString(CultureInfo.InvariantCulture),
                Num(Scalar(used, "cpus")), Num(Scalar(used, "mem")), Esc(Short(f.GetProperty("offered_resources"))));
        }
        return table;
    }

    /// <summary>Tasks with their framework's name and their agent's hostname (the ids are in the tables above).</summary>
    private static Table Tasks(List<JsonElement> tasks, Dictionary<string, string> names, int completed)
    {
        var table = Table("Tasks", "ID", "Name", "Framework", "Agent", "State", "Role", "CPUs", "Mem (MB)");
        foreach (var t in tasks.OrderBy(t => Str(t, "framework_id"), StringComparer.Ordinal).ThenBy(t => Str(t, "id"), StringComparer.Ordinal))
        {
            var resources = t.GetProperty("resources");
            table.AddRow(Esc(Str(t, "id")), Esc(Str(t, "name")), Esc(Name(names, Str(t, "framework_id"))), Esc(Name(names, Str(t, "agent_id"))),
                StateMarkup(Str(t, "state")), Esc(Str(t, "role")), Num(Scalar(resources, "cpus")), Num(Scalar(resources, "mem")));
        }
        if (completed > 0) table.Caption($"{completed} completed tasks not shown (--json lists them)");
        return table;
    }

    private static string Name(Dictionary<string, string> names, string id) => names.TryGetValue(id, out var name) && name.Length > 0 ? name : id;

    private static Table RolesTable(JsonElement state)
    {
        var table = Table("Roles", "Role", "Weight", "Dominant share", "Allocated", "Quota guarantee", "Quota limit", "Frameworks");
        foreach (var r in Array(state, "roles"))
        {
            var quota = r.GetProperty("quota");
            table.AddRow(Esc(Str(r, "name")), Num(r.GetProperty("weight").GetDouble()),
                (r.GetProperty("dominant_share").GetDouble() * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %",
                Esc(Short(r.GetProperty("allocated"))), Esc(Short(quota.GetProperty("guarantee"))), Esc(Short(quota.GetProperty("limit"))),
                Array(r, "frameworks").Count().ToString(CultureInfo.InvariantCulture));
        }
        return table;
    }

    private static Table Table(string title, params string[] columns)
    {
        var table = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded };
        foreach (var column in columns) table.AddColumn(column);
        return table;
    }

    private static void Show(IAnsiConsole console, Table table)
    {
        if (table.Rows.Count == 0) console.MarkupLine($"[bold]{table.Title!.Text}[/]: none");
        else console.Write(table);
    }

    private static string StateMarkup(string state) => state switch
    {
        "TASK_RUNNING" => "[green]TASK_RUNNING[/]",
        "TASK_STAGING" or "TASK_STARTING" or "TASK_KILLING" => $"[yellow]{state}[/]",
        "TASK_UNREACHABLE" or "TASK_LOST" or "TASK_FAILED" or "TASK_ERROR" => $"[red]{state}[/]",
        _ => Esc(state),
    };

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static double Scalar(JsonElement resources, string name) =>
        resources.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;

    private static string UsedOf(JsonElement used, JsonElement total, string name) =>
        total.TryGetProperty(name, out _) ? $"{Num(Scalar(used, name))} / {Num(Scalar(total, name))}" : "-";

    /// <summary>A resources object on one line: <c>cpus:2 mem:1024 ports:[31000-32000]</c>; "-" when empty.</summary>
    private static string Short(JsonElement resources)
    {
        var parts = resources.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.Number ? $"{p.Name}:{Num(p.Value.GetDouble())}" : $"{p.Name}:{p.Value}").ToList();
        return parts.Count == 0 ? "-" : string.Join(" ", parts);
    }

    private static string Num(double value) => Math.Round(value, 3).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Esc(string text) => Markup.Escape(text);
}
