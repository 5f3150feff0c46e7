namespace Bridge.Schedulers.Services.Definitions;

/// <summary>
/// A file the agent fetches into each task's sandbox before the task starts (Marathon
/// <c>fetch[i]</c>, the Mesos fetcher's <c>CommandInfo.URI</c>).
/// </summary>
public sealed record FetchUri
{
    /// <summary>Where to fetch from (<c>http://</c>, <c>https://</c>, <c>file://</c>, ...); 1–1024 characters.</summary>
    public required string Uri { get; init; }

    /// <summary>Unpack archives (<c>.tar.gz</c>, <c>.zip</c>, ...) after fetching (default true; for the
    /// deprecated <c>uris</c> field, true exactly when the name ends in an archive extension).</summary>
    public bool Extract { get; init; } = true;

    /// <summary>Mark the fetched file executable (default false).</summary>
    public bool Executable { get; init; }

    /// <summary>Use the agent's fetcher cache (default false).</summary>
    public bool Cache { get; init; }

    /// <summary>The file name in the sandbox (default null: the URI's last segment).</summary>
    public string? DestPath { get; init; }
}
