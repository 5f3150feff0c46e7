using System.Globalization;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Storage;

namespace Bridge.Eventing.Broker.Handlers;

/// <summary>
/// Kafka topic configs (CreateTopics <c>configs</c>) mapped onto <see cref="LogConfig"/>, same
/// names and units as Kafka: <c>segment.bytes</c>, <c>segment.ms</c>, <c>retention.ms</c>,
/// <c>retention.bytes</c>, <c>index.interval.bytes</c>, <c>flush.ms</c>, <c>max.message.bytes</c>.
/// Two more are accepted when they ask for what this broker does anyway: <c>cleanup.policy=delete</c>
/// and <c>min.insync.replicas=1</c>. Anything else is refused by name rather than ignored.
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
        foreach (var entry in configs)
        {
            if (entry.Value is null) continue; // null: use the default, as Kafka
            var value = entry.Value.Trim();
            switch (entry.Name)
            {
                case "cleanup.policy" when value == "delete":
                case "min.insync.replicas" when value == "1":
                    continue;
                case "cleanup.policy":
                case "min.insync.replicas":
                    return (config, $"{entry.Name}={value} is not supported: this broker keeps one replica and deletes by retention (cleanup.policy=delete, min.insync.replicas=1)");
            }
            if (!Setters.TryGetValue(entry.Name, out var set))
                return (config, $"config {entry.Name} is not supported by this broker");
            if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                return (config, $"{entry.Name} must be an integer, not '{value}'");
            if (set(config, number) is not { } next)
                return (config, $"{entry.Name} must fit in 32 bits, not {number}");
            config = next;
        }
        return (config, config.Validate());
    }
}
