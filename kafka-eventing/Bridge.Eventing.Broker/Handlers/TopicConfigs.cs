using System.Globalization;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Storage;

namespace Bridge.Eventing.Broker.Handlers;

/// <summary>
/// Kafka topic configs (CreateTopics <c>configs</c>) mapped onto <see cref="LogConfig"/>, same
/// names and units as Kafka: <c>segment.bytes</c>, <c>segment.ms</c>, <c>retention.ms</c>,
/// <c>retention.bytes</c>, <c>index.interval.bytes</c>, <c>flush.ms</c>, <c>max.message.bytes</c>.
/// <c>cleanup.policy</c> takes Kafka's values (<c>delete</c>, <c>compact</c>, <c>compact,delete</c> in
/// either order): this broker never compacts, so <c>compact</c> alone means what a compacted topic
/// promises that matters here, that records are never deleted by retention (<c>retention.ms</c> and
/// <c>retention.bytes</c> become -1, as Kafka ignores them for a compact-only topic); with
/// <c>delete</c> in the list retention applies as configured. <c>min.insync.replicas=1</c> is
/// accepted as what the broker does anyway. Anything else is refused by name rather than ignored.
/// </summary>
internal static class TopicConfigs
{
    private static readonly Dictionary<string, Func<LogConfig, long, LogConfig?>> Setters = new(StringComparer.Ordinal)
    {
        ["segment.bytes"] = (c, v) => Int(v) is { } i ? c with { SegmentBytes = i } : null,
        ["segment.ms"] = (c, v) => c with { SegmentMs = v },
        ["retention.ms"] = (c, v) => c with { RetentionMs = v },
        ["retention.bytes"] = (c, v) => c with { RetentionBytes = v },
        ["index.interval.bytes"] = (c, v) => Int(v) is { } i ? c with { IndexIntervalBytes = i } : null,
        ["flush.ms"] = (c, v) => c with { FlushIntervalMs = v },
        ["max.message.bytes"] = (c, v) => Int(v) is { } i ? c with { MaxMessageBytes = i } : null,
    };

    private static int? Int(long value) => value is >= int.MinValue and <= int.MaxValue ? (int)value : null;

    /// <summary>Applies <paramref name="configs"/> over <paramref name="defaults"/>; on failure the error names the config and why.</summary>
    public static (LogConfig Config, string? Error) Apply(LogConfig defaults, IReadOnlyList<CreateTopicsRequest.Config> configs)
    {
        var config = defaults;
        var compactOnly = false;
        foreach (var entry in configs)
        {
            if (entry.Value is null) continue; // null: use the default, as Kafka
            var value = entry.Value.Trim();
            switch (entry.Name)
            {
                case "cleanup.policy":
                    if (CleanupPolicy(value) is not { } compact)
                        return (config, $"cleanup.policy={value} is not supported: use delete, compact, or compact,delete");
                    compactOnly = compact;
                    continue;
                case "min.insync.replicas" when value == "1":
                    continue;
                case "min.insync.replicas":
                    return (config, $"min.insync.replicas={value} is not supported: this broker keeps one replica (min.insync.replicas=1)");
            }
            if (!Setters.TryGetValue(entry.Name, out var set))
                return (config, $"config {entry.Name} is not supported by this broker");
            if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                return (config, $"{entry.Name} must be an integer, not '{value}'");
            if (set(config, number) is not { } next)
                return (config, $"{entry.Name} must fit in 32 bits, not {number}");
            config = next;
        }
        // After the loop, so the order of the entries does not matter: Kafka ignores retention for a compact-only topic.
        if (compactOnly) config = config with { RetentionMs = -1, RetentionBytes = -1 };
        return (config, config.Validate());
    }

    /// <summary>
    /// Kafka's list of policies, comma-separated (spaces around items allowed): true for
    /// <c>compact</c> alone, false when <c>delete</c> is in the list, null for anything else
    /// (unknown or repeated items, an empty list).
    /// </summary>
    private static bool? CleanupPolicy(string value)
    {
        var items = value.Split(',', StringSplitOptions.TrimEntries);
        if (items.Any(i => i is not ("compact" or "delete")) || items.Distinct(StringComparer.Ordinal).Count() != items.Length) return null;
        return !items.Contains("delete");
    }
}
