using System.Text.Json;

namespace Bridge.Schedulers.Services.Definitions.Internal;

/// <summary>
/// Marathon app fields the services scheduler accepts but does not honour, and why. A field holding
/// its default (<c>"dependencies": []</c>, <c>"executor": ""</c>, <c>"networks": [{"mode": "host"}]</c>,
/// <c>"tty": false</c>, as Marathon's own output has them) changes nothing and is not reported.
/// </summary>
internal static class Unsupported
{
    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["container"] = "containers (Docker or Mesos images, volumes, port mappings) are not supported: tasks run as commands on the agent",
        ["networks"] = "only host networking is supported: tasks use the agent's network",
        ["ipAddress"] = "IP-per-task is not supported: tasks use the agent's network",
        ["secrets"] = "secrets are not supported",
        ["residency"] = "resident tasks (local persistent volumes) are not supported",
        ["readinessChecks"] = "readiness checks are not supported: deployments wait for health checks only",
        ["dependencies"] = "dependencies between apps are not supported: deploy the apps in order",
        ["executor"] = "custom executors are not supported: tasks run on the agent's command executor",
        ["executorResources"] = "executor resources are not supported",
        ["storeUrls"] = "storeUrls are not supported (Marathon removed them in 1.5)",
        ["unreachableStrategy"] = "unreachable strategies are not supported: tasks on a lost agent are replaced when the master reports them lost",
        ["check"] = "Mesos checks are not supported: use healthChecks",
        ["tty"] = "TTYs are not supported",
        ["resourceLimits"] = "resource limits are not supported: tasks are limited to the resources they ask for",
    };

    public static bool IsKnown(string field) => Reasons.ContainsKey(field);

    /// <summary>Why <paramref name="field"/> is not honoured, or null when it is not one of these fields or holds its default.</summary>
    public static string? Reason(string field, JsonElement value) =>
        Reasons.TryGetValue(field, out var reason) && !IsDefault(field, value) ? reason : null;

    private static bool IsDefault(string field, JsonElement v) => field switch
    {
        "executor" => v.ValueKind == JsonValueKind.String && v.GetString() is "" or "//cmd",
        "tty" => v.ValueKind == JsonValueKind.False,
        "networks" => v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(IsHostNetwork),
        _ => v.ValueKind switch
        {
            JsonValueKind.Null => true,
            JsonValueKind.Array => v.GetArrayLength() == 0,
            JsonValueKind.Object => !v.EnumerateObject().Any() && field is "secrets",
            _ => false,
        },
    };

    private static bool IsHostNetwork(JsonElement n) =>
        n.ValueKind == JsonValueKind.Object && n.EnumerateObject().All(p => p.Name == "mode" && p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == "host")
        && n.TryGetProperty("mode", out _);
}
