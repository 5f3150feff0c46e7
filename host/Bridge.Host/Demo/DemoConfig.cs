using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Host.Demo;

/// <summary>A framework's role and its weight in the demo (DRF shares are divided by the weight).</summary>
/// <param name="Role">The role the framework registers under.</param>
/// <param name="Weight">The role's weight (positive).</param>
internal sealed record DemoRole(string Role, double Weight);

/// <summary>A YARN job the demo submits: <c>wordcount</c> or <c>trace-analytics</c> over <paramref name="Input"/>.</summary>
/// <param name="Application">The shipped application.</param>
/// <param name="Input">Its input, a file or directory (absolute).</param>
/// <param name="Reduces">Reduce tasks.</param>
internal sealed record DemoYarnJob(string Application, string Input, int Reduces);

/// <summary>
/// <c>examples/demo/demo.json</c>: what <c>bridge up --demo</c> runs. Shape:
/// <c>{"agents": N, "roles": {"yarn"|"services"|"jobs": {"role", "weight"}}, "services": [APP.json], "jobs": [JOB.json],
/// "yarn": [{"application": "wordcount"|"trace-analytics", "input", "reduces"}]}</c>; relative paths are relative to the
/// file. Every field is checked: a missing or mistyped one is a <see cref="FormatException"/> naming it.
/// </summary>
internal sealed record DemoConfig(int Agents, DemoRole Yarn, DemoRole Services, DemoRole Jobs, IReadOnlyList<string> Apps,
    IReadOnlyList<string> JobFiles, IReadOnlyList<DemoYarnJob> YarnJobs)
{
    /// <summary>The applications the demo can submit to YARN.</summary>
    public static readonly IReadOnlyList<string> Applications = ["wordcount", "trace-analytics"];

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">Not JSON, or a field missing, mistyped or out of range (named).</exception>
    /// <exception cref="IOException">The file, or a file it names, cannot be read.</exception>
    public static DemoConfig Load(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException($"{path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not JSON: {e.Message}");
        }
        string Where(string field) => $"{path}: {field}";
        var agents = Int(root, "agents", Where("agents"));
        if (agents is < 1 or > 16) throw new FormatException($"{Where("agents")}: {agents} is not 1 to 16");
        var roles = root["roles"] as JsonObject ?? throw new FormatException($"{Where("roles")}: missing, or not an object");
        DemoRole Role(string framework)
        {
            var where = Where($"roles.{framework}");
            var node = roles[framework] as JsonObject ?? throw new FormatException($"{where}: missing, or not an object");
            var role = Text(node, "role", $"{where}.role");
            var weight = node["weight"] is JsonValue v && v.TryGetValue<double>(out var w) ? w : throw new FormatException($"{where}.weight: missing, or not a number");
            if (!(weight > 0) || !double.IsFinite(weight)) throw new FormatException($"{where}.weight: {weight} is not a positive number");
            return new DemoRole(role, weight);
        }
        var files = (string field) => Array(root, field, Where(field)).Select((node, i) =>
        {
            var file = node is JsonValue value && value.TryGetValue<string>(out var s) ? s : throw new FormatException($"{Where($"{field}[{i}]")}: not a path");
            var full = Path.GetFullPath(Path.Combine(directory, file));
            return File.Exists(full) ? full : throw new IOException($"{Where($"{field}[{i}]")}: no file {full}");
        }).ToList();
        var yarn = Array(root, "yarn", Where("yarn")).Select((node, i) =>
        {
            var where = Where($"yarn[{i}]");
            var job = node as JsonObject ?? throw new FormatException($"{where}: not an object");
            var application = Text(job, "application", $"{where}.application");
            if (!Applications.Contains(application)) throw new FormatException($"{where}.application: '{application}' is not one of {string.Join(", ", Applications)}");
            var input = Path.GetFullPath(Path.Combine(directory, Text(job, "input", $"{where}.input")));
            if (!File.Exists(input) && !Directory.Exists(input)) throw new IOException($"{where}.input: nothing at {input}");
            var reduces = Int(job, "reduces", $"{where}.reduces");
            if (reduces is < 1 or > 64) throw new FormatException($"{where}.reduces: {reduces} is not 1 to 64");
            return new DemoYarnJob(application, input, reduces);
        }).ToList();
        return new DemoConfig(agents, Role("yarn"), Role("services"), Role("jobs"), files("services"), files("jobs"), yarn);
    }

    /// <summary>The demo file of this checkout: <c>examples/demo/demo.json</c> under the working directory, else under
    /// the checkout the program was built in (<c>artifacts/bridge/</c> is two levels below it).</summary>
    public static string DefaultPath()
    {
        var here = Path.Combine("examples", "demo", "demo.json");
        if (File.Exists(here)) return here;
        return Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", here));
    }

    private static int Int(JsonObject node, string field, string where) =>
        node[field] is JsonValue v && v.TryGetValue<int>(out var n) ? n : throw new FormatException($"{where}: missing, or not an integer");

    private static string Text(JsonObject node, string field, string where) =>
        node[field] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : throw new FormatException($"{where}: missing, or not a non-empty string");

    private static JsonArray Array(JsonObject node, string field, string where) =>
        node[field] as JsonArray ?? throw new FormatException($"{where}: missing, or not an array");
}
