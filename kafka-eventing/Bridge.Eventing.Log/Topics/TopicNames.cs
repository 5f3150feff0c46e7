using System.Globalization;

namespace Bridge.Eventing.Log.Topics;

/// <summary>Kafka's topic name rules and the partition directory naming (<c>TOPIC-PARTITION</c>).</summary>
public static class TopicNames
{
    /// <summary>Longest legal topic name (Kafka's Topic.MAX_NAME_LENGTH).</summary>
    public const int MaxLength = 249;

    /// <summary>
    /// Why <paramref name="name"/> is not a legal Kafka topic name, or null when it is: non-empty, at
    /// most 249 characters, only ASCII letters, digits, '.', '_' and '-', and not "." or ".."
    /// (Kafka's <c>Topic.validate</c>). Legal names are also safe directory names.
    /// </summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "topic name is empty";
        if (name is "." or "..") return $"topic name cannot be '{name}'";
        if (name.Length > MaxLength) return $"topic name is longer than {MaxLength} characters";
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
                return $"topic name '{name}' has the illegal character '{c}' (legal: ASCII letters, digits, '.', '_', '-')";
        }
        return null;
    }

    /// <summary>The partition's directory name under the data directory: "orders-3".</summary>
    public static string PartitionDirectory(string topic, int partition) => $"{topic}-{partition.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses a partition directory name ("orders-3"); false for anything else.</summary>
    public static bool TryParsePartitionDirectory(string directoryName, out string topic, out int partition)
    {
        topic = "";
        partition = -1;
        var dash = directoryName.LastIndexOf('-');
        if (dash <= 0 || dash == directoryName.Length - 1)
            return false;
        var digits = directoryName[(dash + 1)..];
        if (!digits.All(char.IsAsciiDigit) || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out partition))
            return false;
        topic = directoryName[..dash];
        return Validate(topic) is null;
    }
}
