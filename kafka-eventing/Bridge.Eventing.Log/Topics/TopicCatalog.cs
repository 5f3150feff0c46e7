using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Eventing.Log.Internal;
using Bridge.Eventing.Log.Storage;

namespace Bridge.Eventing.Log.Topics;

/// <summary>A topic as the catalog records it.</summary>
/// <param name="Name">The topic name (legal per <see cref="TopicNames.Validate"/>).</param>
/// <param name="Partitions">Number of partitions, numbered 0..Partitions-1.</param>
/// <param name="Config">Settings shared by every partition log of the topic.</param>
public sealed record TopicDescription(string Name, int Partitions, LogConfig Config);

/// <summary>
/// The durable list of topics and their configs: <c>DIR/topics.json</c>, rewritten whole and
/// atomically (temp file, fsync, rename, directory fsync) on every create and delete. It is the
/// source of truth for which topics exist; partition directories follow it.
/// </summary>
internal static class TopicCatalog
{
    public const string FileName = "topics.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private sealed record CatalogFile(int Version, List<TopicDescription> Topics);

    /// <summary>The topics in <paramref name="dataDirectory"/>, or null when there is no catalog file.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a valid catalog.</exception>
    public static List<TopicDescription>? TryLoad(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
            return null;
        try
        {
            var file = JsonSerializer.Deserialize<CatalogFile>(File.ReadAllBytes(path), Json);
            if (file is null || file.Version != 1 || file.Topics is null)
                throw new InvalidDataException($"{path}: not a version 1 topic catalog.");
            foreach (var topic in file.Topics)
            {
                if (TopicNames.Validate(topic.Name) is { } bad || topic.Partitions < 1 || topic.Config?.Validate() is { })
                    throw new InvalidDataException($"{path}: invalid topic entry '{topic.Name}'.");
            }
            return file.Topics;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    public static void Save(string dataDirectory, IEnumerable<TopicDescription> topics)
    {
        var file = new CatalogFile(1, topics.OrderBy(t => t.Name, StringComparer.Ordinal).ToList());
        DurableFiles.WriteAtomically(Path.Combine(dataDirectory, FileName), JsonSerializer.SerializeToUtf8Bytes(file, Json));
    }
}
