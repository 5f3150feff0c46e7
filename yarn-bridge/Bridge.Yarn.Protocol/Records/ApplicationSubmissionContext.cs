using Bridge.Yarn.ResourceManager.Applications;

namespace Bridge.Yarn.Protocol.Records;

/// <summary>
/// A client's submission as it arrived (Hadoop's <c>ApplicationSubmissionContext</c>), checked: what the
/// ResourceManager core takes (<see cref="Submission"/>), the AM container's whole launch context (local resources
/// and tokens included, which the core does not keep), the application's tags, and one note per field set to
/// something the embedded ResourceManager does not honour. Built by
/// <see cref="Conversion.SubmissionConversion"/> from gRPC and by the REST API from JSON.
/// </summary>
/// <param name="Submission">What the core takes (id, name, queue, user, type, priority, AM resource, max attempts, commands and environment).</param>
/// <param name="AmContainerSpec">The AM container's launch context.</param>
/// <param name="ApplicationTags">Tags, lower-cased, each once, in the order given.</param>
/// <param name="Unsupported">Notes <c>field: what happens instead</c> for fields not honoured; empty when all are.</param>
public sealed record ApplicationSubmissionContext(
    ApplicationSubmission Submission,
    ContainerLaunchContext AmContainerSpec,
    IReadOnlyList<string> ApplicationTags,
    IReadOnlyList<string> Unsupported);

/// <summary>Application tags as Hadoop checks them (<c>yarn.application.max-tags</c> 10, <c>max-tag.length</c> 100, ASCII, case-insensitive).</summary>
public static class ApplicationTags
{
    /// <summary>Most tags per application (Hadoop's default <c>yarn.application.max-tags</c>).</summary>
    public const int MaxTags = 10;

    /// <summary>Longest tag in characters (Hadoop's default <c>yarn.application.max-tag.length</c>).</summary>
    public const int MaxLength = 100;

    /// <summary>Trims and lower-cases each tag (Hadoop compares tags case-insensitively), keeps each once, drops empty ones.</summary>
    /// <exception cref="InvalidMessageException">More than 10 tags, one longer than 100 characters, or one with non-ASCII characters; the message names it by index under <paramref name="field"/>.</exception>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> tags, string field)
    {
        var result = new List<string>();
        var i = 0;
        foreach (var raw in tags)
        {
            var tag = raw.Trim().ToLowerInvariant();
            var at = $"{field}[{i++}]";
            if (tag.Length > MaxLength) throw new InvalidMessageException(at, $"is {tag.Length} characters long, more than {MaxLength}");
            if (tag.Any(c => c > 127 || char.IsControl(c))) throw new InvalidMessageException(at, $"'{tag}' has characters that are not printable ASCII");
            if (tag.Length > 0 && !result.Contains(tag)) result.Add(tag);
        }
        if (result.Count > MaxTags) throw new InvalidMessageException(field, $"{result.Count} tags, more than {MaxTags}");
        return result;
    }
}
