namespace Bridge.Yarn.Protocol.Records;

/// <summary>
/// What a container runs (Hadoop's <c>ContainerLaunchContext</c>): the NodeManager links
/// <see cref="LocalResources"/> into a fresh working directory under their names, sets
/// <see cref="Environment"/>, and runs <see cref="Commands"/> joined with spaces by <c>bash -c</c> there (Hadoop's
/// <c>ContainerLaunch</c>), so an element may be a whole shell command or one argv word; <c>&lt;LOG_DIR&gt;</c> in
/// a command stands for the container's log directory, as in Hadoop.
/// </summary>
/// <param name="Commands">The command line's parts; at least one for a container that must run something.</param>
/// <param name="Environment">Variables to set (names non-empty, without <c>=</c>).</param>
/// <param name="LocalResources">Files to link into the working directory, by link name (a relative path without <c>..</c>).</param>
/// <param name="Tokens">Opaque credentials for the container (Hadoop's serialized <c>Credentials</c>); empty when none.</param>
public sealed record ContainerLaunchContext(
    IReadOnlyList<string> Commands,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, LocalResource> LocalResources,
    ReadOnlyMemory<byte> Tokens = default)
{
    /// <summary>Nothing to run, no environment, no files.</summary>
    public static ContainerLaunchContext Empty { get; } =
        new([], new Dictionary<string, string>(), new Dictionary<string, LocalResource>());

    /// <summary>A copy with <paramref name="variables"/> added to (or replacing entries of) <see cref="Environment"/>.</summary>
    public ContainerLaunchContext WithEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var env = new Dictionary<string, string>(Environment, StringComparer.Ordinal);
        foreach (var (k, v) in variables) env[k] = v;
        return this with { Environment = env };
    }
}

/// <summary>How a NodeManager prepares a local resource (Hadoop's <c>LocalResourceType</c>).</summary>
public enum LocalResourceType
{
    /// <summary>Unpacked into a directory of the link name (zip, jar, tar, tar.gz, tgz).</summary>
    Archive,
    /// <summary>Linked as it is.</summary>
    File,
    /// <summary>A jar unpacked where its entries match <see cref="LocalResource.Pattern"/>, and also linked whole.</summary>
    Pattern,
}

/// <summary>Who may share a localized copy (Hadoop's <c>LocalResourceVisibility</c>).</summary>
public enum LocalResourceVisibility
{
    /// <summary>Every user on the node.</summary>
    Public,
    /// <summary>The submitting user's applications.</summary>
    Private,
    /// <summary>This application only.</summary>
    Application,
}

/// <summary>
/// A file the NodeManager makes available to a container (Hadoop's <c>LocalResource</c>).
/// </summary>
/// <param name="Url">Where it is: an absolute URL (<c>file:///data/app.jar</c>, <c>hdfs://nn:9000/app.jar</c>).</param>
/// <param name="Type">How to prepare it.</param>
/// <param name="Visibility">Who may share the localized copy.</param>
/// <param name="Size">Its size in bytes when submitted; a NodeManager refuses it when the source differs (-1: not checked).</param>
/// <param name="Timestamp">Its modification time in ms since the epoch when submitted; a NodeManager refuses it when the source differs (-1: not checked).</param>
/// <param name="Pattern">For <see cref="LocalResourceType.Pattern"/>: the regular expression of entries to unpack; null otherwise.</param>
public sealed record LocalResource(Uri Url, LocalResourceType Type, LocalResourceVisibility Visibility, long Size, long Timestamp, string? Pattern = null);
