namespace Bridge.Kernel.Agent.Fetching;

/// <summary>An archive that cannot be extracted safely or completely.</summary>
internal sealed class ArchiveException(FetchFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public FetchFailure Failure { get; } = failure;
}

/// <summary>
/// Writes archive entries under a root directory, refusing any entry that would land outside it:
/// absolute names, names climbing out with <c>..</c>, writes through a symbolic link leading out,
/// links (symbolic or hard) whose target is absolute or resolves outside, and device or FIFO
/// entries. Counts the bytes written against a limit (zip and tar bombs). Setuid, setgid and sticky
/// bits are dropped; owners are not restored. Call <see cref="Finish"/> after the last entry.
/// </summary>
internal sealed class ExtractionTarget(string root, long maxBytes)
{
    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF; // rwxrwxrwx
    private readonly string _root = Path.GetFullPath(root).TrimEnd('/');
    private readonly List<string> _links = [];
    private long _bytes;

    /// <summary>Entries written so far.</summary>
    public int Entries { get; private set; }

    /// <summary>Bytes of file content written so far.</summary>
    public long Bytes => _bytes;

    public void Directory(string name, UnixFileMode? mode)
    {
        var relative = Checked(name);
        if (relative.Length == 0) return; // "./": the root itself
        if (!SandboxPaths.StaysInside(_root, relative)) throw Escapes(name);
        var full = Full(relative);
        System.IO.Directory.CreateDirectory(full);
        // Owner rwx is kept so that the entries inside can still be written.
        if (mode is { } m) FileModes.Set(full, (m & PermissionBits) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Entries++;
    }

    public async Task FileAsync(string name, Stream? data, UnixFileMode? mode, CancellationToken cancellationToken)
    {
        var full = PrepareFile(name);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (mode is { } m && !OperatingSystem.IsWindows()) options.UnixCreateMode = m & PermissionBits;
        await using (var output = new FileStream(full, options))
        {
            if (data is not null) await CopyCountedAsync(name, data, output, cancellationToken);
        }
        if (mode is { } again) FileModes.Set(full, again & PermissionBits); // also when the file existed
        Entries++;
    }

    public void SymbolicLink(string name, string target)
    {
        var full = PrepareFile(name);
        var relative = Checked(name);
        if (target.Length == 0 || target.StartsWith('/') || target.Contains('\0'))
            throw new ArchiveException(FetchFailure.BadArchive, $"entry '{name}' is a link to '{target}': absolute or empty link targets are refused");
        var parent = SandboxPaths.Parent(relative);
        if (!SandboxPaths.StaysInside(_root, parent.Length == 0 ? target : $"{parent}/{target}"))
            throw new ArchiveException(FetchFailure.BadArchive, $"entry '{name}' is a link to '{target}', which leads out of the sandbox");
        if (File.Exists(full)) File.Delete(full); // a link replaces an earlier file, as with tar
        File.CreateSymbolicLink(full, target);
        _links.Add(relative);
        Entries++;
    }

    /// <summary>A hard link to an earlier entry, written as a copy (a hard link could reach a file
    /// outside that merely shares the file system).</summary>
    public async Task HardLinkAsync(string name, string target, CancellationToken cancellationToken)
    {
        var source = SandboxPaths.Normalize(target);
        if (source is null or "" || !SandboxPaths.StaysInside(_root, source))
            throw new ArchiveException(FetchFailure.BadArchive, $"entry '{name}' is a hard link to '{target}', which is outside the sandbox");
        var sourcePath = Full(source);
        if (!File.Exists(sourcePath))
            throw new ArchiveException(FetchFailure.BadArchive, $"entry '{name}' is a hard link to '{target}', which is not an earlier file of the archive");
        await using var data = File.OpenRead(sourcePath);
        await FileAsync(name, data, FileModes.Get(sourcePath), cancellationToken);
    }

    public static ArchiveException Unsupported(string name, string kind) =>
        new(FetchFailure.BadArchive, $"entry '{name}' is a {kind}, which the fetcher does not extract");

    /// <summary>
    /// Checks every link again now that all entries exist: a link that was inside when made can lead
    /// out once a later entry turns one of its components into a link. Such links are removed.
    /// </summary>
    public void Finish()
    {
        var escaping = _links.Where(link => !SandboxPaths.StaysInside(_root, link)).ToList();
        if (escaping.Count == 0) return;
        foreach (var link in escaping) File.Delete(Full(link));
        throw new ArchiveException(FetchFailure.BadArchive, $"link '{escaping[0]}' leads out of the sandbox once the archive is extracted");
    }

    private string PrepareFile(string name)
    {
        var relative = Checked(name);
        if (relative.Length == 0) throw new ArchiveException(FetchFailure.BadArchive, $"entry '{name}' names the sandbox itself");
        if (!SandboxPaths.StaysInside(_root, SandboxPaths.Parent(relative))) throw Escapes(name);
        var full = Full(relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Replace a link rather than write through it (tar's behaviour; and where it points was never checked for files).
        if (SandboxPaths.IsLink(full)) File.Delete(full);
        else if (System.IO.Directory.Exists(full))
            throw new ArchiveException(FetchFailure.BadArchive, $"entry '{name}' is a file where a directory already is");
        return full;
    }

    private string Checked(string name) => SandboxPaths.Normalize(name) ?? throw Escapes(name);

    private string Full(string relative) => relative.Length == 0 ? _root : $"{_root}/{relative}";

    private static ArchiveException Escapes(string name) =>
        new(FetchFailure.BadArchive, $"entry '{name}' would be written outside the sandbox (absolute path, '..' or a link leading out)");

    private async Task CopyCountedAsync(string name, Stream data, Stream output, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await data.ReadAsync(buffer, cancellationToken)) > 0)
        {
            _bytes += read;
            if (_bytes > maxBytes)
                throw new ArchiveException(FetchFailure.TooLarge, $"extracting '{name}' takes the archive past the limit of {maxBytes} bytes");
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}

/// <summary>Unix permission bits; the agent runs on Linux only, the guard keeps the platform analyzer informed.</summary>
internal static class FileModes
{
    public static void Set(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
    }

    public static UnixFileMode? Get(string path) => OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);
}
