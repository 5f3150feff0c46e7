using System.Text.Json;
using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.ResourceManager.Server.Rest;

/// <summary>
/// Reads the body of <c>POST /ws/v1/cluster/apps</c>, Hadoop's ApplicationSubmissionContext JSON exactly as its REST
/// documentation writes it (application-id, application-name, queue, priority, am-container-spec with
/// local-resources, environment, commands, service-data, credentials and application-acls, unmanaged-AM,
/// max-app-attempts, resource, application-type, keep-containers-across-application-attempts, application-tags,
/// log-aggregation-context, attempt-failures-validity-interval, reservation-id, am-black-listing-requests, the node
/// label expressions, application-timeouts). What cannot be honoured is noted in
/// <see cref="ApplicationSubmissionContext.Unsupported"/> (so is any unknown field) and the submission goes on;
/// <c>unmanaged-AM: true</c> is refused. Malformed input is a 400 naming the field.
/// </summary>
internal static class SubmissionJson
{
    /// <summary>Reads a submission by <paramref name="user"/>.</summary>
    /// <exception cref="RestException">400 naming the field.</exception>
    public static ApplicationSubmissionContext Parse(JsonElement root, string user)
    {
        JsonFields.RequireObject(root, "body");
        var notes = new List<string>();
        ApplicationId? id = null;
        ContainerLaunchContext? spec = null;
        var submission = new ApplicationSubmission { ApplicationId = default, User = user };
        IReadOnlyList<string> tags = [];
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            if (v.IsNull()) continue;
            switch (p.Name)
            {
                case "application-id":
                    var text = JsonFields.String(v, p.Name);
                    id = ApplicationId.TryParse(text, out var parsed) ? parsed : throw JsonFields.Bad(p.Name, $"'{text}' is not an application id (application_<cluster timestamp>_<number>)");
                    break;
                case "application-name": submission = submission with { Name = JsonFields.String(v, p.Name) }; break;
                case "queue":
                    var queue = JsonFields.String(v, p.Name).Trim();
                    submission = submission with { Queue = queue.Length > 0 ? queue : throw JsonFields.Bad(p.Name, "is empty") };
                    break;
                case "priority": submission = submission with { Priority = JsonFields.Int(v, p.Name) }; break;
                case "am-container-spec": spec = LaunchContext(v, p.Name, notes); break;
                case "unmanaged-AM":
                    if (JsonFields.Bool(v, p.Name))
                        throw JsonFields.Bad(p.Name, "true is not supported: the embedded ResourceManager launches every ApplicationMaster in a container");
                    break;
                case "max-app-attempts":
                    var attempts = JsonFields.Int(v, p.Name);
                    submission = submission with { MaxAppAttempts = attempts >= 0 ? attempts : throw JsonFields.Bad(p.Name, $"{attempts} is negative") };
                    break;
                case "resource": submission = submission with { AmResource = Resource(v, p.Name) }; break;
                case "application-type": submission = submission with { ApplicationType = JsonFields.String(v, p.Name) }; break;
                case "application-tags":
                    try
                    {
                        tags = ApplicationTags.Normalize(JsonFields.List(v, "tag", p.Name).Select(t => JsonFields.String(t.Value, t.Path)).ToList(), $"{p.Name}.tag");
                    }
                    catch (InvalidMessageException e)
                    {
                        throw JsonFields.Bad(e.Field, e.Problem);
                    }
                    break;
                default: Unhonoured(p.Name, v, notes); break;
            }
        }
        if (id is null) throw JsonFields.Bad("application-id", "is missing (ask POST /ws/v1/cluster/apps/new-application for one)");
        if (spec is null) throw JsonFields.Bad("am-container-spec", "is missing");
        if (spec.Commands.Count == 0 || spec.Commands.All(string.IsNullOrWhiteSpace))
            throw JsonFields.Bad("am-container-spec.commands", "is empty: the AM container must run a command");
        submission = submission with { ApplicationId = id.Value, AmContainerSpec = new AmContainerSpec(spec.Commands, spec.Environment) };
        return new ApplicationSubmissionContext(submission, spec, tags, notes);
    }

    /// <summary>Top-level fields read but not honoured: noted when set to something that would matter.</summary>
    private static void Unhonoured(string name, JsonElement v, List<string> notes)
    {
        switch (name)
        {
            case "keep-containers-across-application-attempts":
                if (JsonFields.Bool(v, name)) notes.Add($"{name}: true is not honoured; a new attempt starts with no containers");
                break;
            case "attempt-failures-validity-interval":
                var ms = JsonFields.Long(v, name);
                if (ms > 0) notes.Add($"{name}: {ms} ms is not honoured; failures count over the application's whole life");
                break;
            case "log-aggregation-context":
                JsonFields.RequireObject(v, name);
                notes.Add($"{name}: not honoured; container logs stay in the NodeManagers' log directories");
                break;
            case "reservation-id":
                if (JsonFields.String(v, name) is { Length: > 0 } r) notes.Add($"{name}: '{r}' is not honoured; there are no reservations, the application is scheduled in its queue");
                break;
            case "am-black-listing-requests":
                JsonFields.RequireObject(v, name);
                if (v.TryGetProperty("am-black-listing-enabled", out var on) && !on.IsNull() && JsonFields.Bool(on, $"{name}.am-black-listing-enabled"))
                    notes.Add($"{name}: not honoured; AM containers are not kept off nodes where earlier attempts failed");
                break;
            case "app-node-label-expression" or "am-container-node-label-expression":
                if (JsonFields.String(v, name) is { Length: > 0 } l) notes.Add($"{name}: '{l}' is not honoured; node labels are not modelled, containers go on any node");
                break;
            case "application-timeouts":
                notes.Add($"{name}: not honoured; applications have no lifetime limit");
                break;
            case "cancel-tokens-when-complete":
                if (!JsonFields.Bool(v, name)) notes.Add($"{name}: false is not honoured; this ResourceManager renews and cancels no delegation tokens");
                break;
            default:
                notes.Add($"{name}: unknown field, ignored");
                break;
        }
    }

    private static Resource Resource(JsonElement v, string path)
    {
        JsonFields.RequireObject(v, path);
        long? memory = null;
        int? cores = null;
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.IsNull()) continue;
            switch (p.Name)
            {
                case "memory": memory = JsonFields.Long(p.Value, $"{path}.memory"); break;
                case "vCores": cores = JsonFields.Int(p.Value, $"{path}.vCores"); break;
                case "resourceInformations": break; // Hadoop 3 writes memory and vcores again here; the two fields above are what count
                default: throw JsonFields.Bad($"{path}.{p.Name}", "unknown field (a resource has memory, in MB, and vCores)");
            }
        }
        if (memory is not { } m) throw JsonFields.Bad($"{path}.memory", "is missing");
        if (cores is not { } c) throw JsonFields.Bad($"{path}.vCores", "is missing");
        if (m < 0) throw JsonFields.Bad($"{path}.memory", $"{m} MB is negative");
        if (c < 0) throw JsonFields.Bad($"{path}.vCores", $"{c} is negative");
        return new Resource(m, c);
    }

    private static ContainerLaunchContext LaunchContext(JsonElement v, string path, List<string> notes)
    {
        JsonFields.RequireObject(v, path);
        var commands = new List<string>();
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var resources = new Dictionary<string, LocalResource>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            var at = $"{path}.{p.Name}";
            if (p.Value.IsNull()) continue;
            switch (p.Name)
            {
                case "commands":
                    commands.AddRange(JsonFields.List(p.Value, "command", at).Select(c => JsonFields.String(c.Value, c.Path)));
                    break;
                case "environment":
                    foreach (var (key, value, entry) in JsonFields.Entries(p.Value, at))
                    {
                        if (key.Length == 0 || key.Contains('=') || key.Contains('\0')) throw JsonFields.Bad($"{entry}.key", $"'{key}' is not a variable name");
                        if (!env.TryAdd(key, value.IsNull() ? "" : JsonFields.String(value, $"{entry}.value"))) throw JsonFields.Bad($"{entry}.key", $"'{key}' is given twice");
                    }
                    break;
                case "local-resources":
                    foreach (var (key, value, entry) in JsonFields.Entries(p.Value, at))
                    {
                        if (LaunchContextConversion.LinkNameProblem(key) is { } problem) throw JsonFields.Bad($"{entry}.key", problem);
                        if (!resources.TryAdd(key, LocalResourceOf(value, $"{entry}.value"))) throw JsonFields.Bad($"{entry}.key", $"'{key}' is given twice");
                    }
                    break;
                case "service-data":
                    var services = JsonFields.Entries(p.Value, at).Select(e => e.Key).ToList();
                    if (services.Count > 0) notes.Add($"{at}: not honoured ({string.Join(", ", services)}); NodeManagers here run no auxiliary services");
                    break;
                case "credentials":
                    JsonFields.RequireObject(p.Value, at);
                    var count = p.Value.EnumerateObject().Where(c => !c.Value.IsNull()).Sum(c => JsonFields.Entries(c.Value, $"{at}.{c.Name}").Count());
                    if (count > 0) notes.Add($"{at}: not honoured ({count} tokens and secrets); pass what the AM needs in its environment or local resources");
                    break;
                case "application-acls":
                    if (JsonFields.Entries(p.Value, at).Any()) notes.Add($"{at}: not honoured; there are no application ACLs, anyone may view and kill");
                    break;
                default:
                    notes.Add($"{at}: unknown field, ignored");
                    break;
            }
        }
        return new ContainerLaunchContext(commands, env, resources);
    }

    private static LocalResource LocalResourceOf(JsonElement v, string path)
    {
        JsonFields.RequireObject(v, path);
        Uri? url = null;
        LocalResourceType? type = null;
        LocalResourceVisibility? visibility = null;
        long size = -1, timestamp = -1;
        string? pattern = null;
        foreach (var p in v.EnumerateObject())
        {
            var at = $"{path}.{p.Name}";
            if (p.Value.IsNull()) continue;
            switch (p.Name)
            {
                case "resource":
                    var text = JsonFields.String(p.Value, at);
                    url = Uri.TryCreate(text, UriKind.Absolute, out var u) && !string.IsNullOrEmpty(u.Scheme) ? u : throw JsonFields.Bad(at, $"'{text}' is not an absolute URL");
                    break;
                case "type":
                    type = Enum.TryParse<LocalResourceType>(JsonFields.String(p.Value, at), ignoreCase: true, out var t) && Enum.IsDefined(t)
                        ? t : throw JsonFields.Bad(at, $"'{JsonFields.String(p.Value, at)}' is not ARCHIVE, FILE or PATTERN");
                    break;
                case "visibility":
                    visibility = Enum.TryParse<LocalResourceVisibility>(JsonFields.String(p.Value, at), ignoreCase: true, out var vis) && Enum.IsDefined(vis)
                        ? vis : throw JsonFields.Bad(at, $"'{JsonFields.String(p.Value, at)}' is not PUBLIC, PRIVATE or APPLICATION");
                    break;
                case "size": size = JsonFields.Long(p.Value, at) is >= 0 and var s ? s : throw JsonFields.Bad(at, "is negative"); break;
                case "timestamp": timestamp = JsonFields.Long(p.Value, at) is >= 0 and var ts ? ts : throw JsonFields.Bad(at, "is negative"); break;
                case "pattern": pattern = JsonFields.String(p.Value, at); break;
                default: throw JsonFields.Bad(at, "unknown field (a local resource has resource, type, visibility, size, timestamp, pattern)");
            }
        }
        if (url is null) throw JsonFields.Bad($"{path}.resource", "is missing");
        if (type is null) throw JsonFields.Bad($"{path}.type", "is missing (ARCHIVE, FILE or PATTERN)");
        if (visibility is null) throw JsonFields.Bad($"{path}.visibility", "is missing (PUBLIC, PRIVATE or APPLICATION)");
        if (type == LocalResourceType.Pattern && string.IsNullOrEmpty(pattern)) throw JsonFields.Bad($"{path}.pattern", "is missing (type PATTERN)");
        if (type != LocalResourceType.Pattern && pattern is not null) throw JsonFields.Bad($"{path}.pattern", "is only for type PATTERN");
        return new LocalResource(url, type.Value, visibility.Value, size, timestamp, pattern);
    }
}
