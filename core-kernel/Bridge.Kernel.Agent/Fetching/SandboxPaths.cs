namespace Bridge.Kernel.Agent.Fetching;

/// <summary>
/// Path checks that keep the fetcher inside a sandbox: a lexical one for names taken from URIs and
/// archives, and a physical one that follows the symbolic links already on disk the way the kernel
/// would, so that a link planted by an archive (or an earlier URI) cannot carry a later write, or a
/// link's target, outside.
/// </summary>
internal static class SandboxPaths
{
    // Linux gives up after 40 links in one lookup (MAXSYMLINKS); so do we.
    private const int MaxLinkHops = 40;

    /// <summary>
    /// <paramref name="name"/> normalised (no <c>.</c>, no <c>..</c>, no empty segments), or null when it is
    /// absolute, holds a NUL, or climbs above its start. The empty string means the start itself.
    /// </summary>
    public static string? Normalize(string name)
    {
        if (name.StartsWith('/') || name.Contains('\0')) return null;
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    /// <summary>The parent of a normalised relative path ("" for a top-level name).</summary>
    public static string Parent(string relative) => relative.LastIndexOf('/') is var i and >= 0 ? relative[..i] : "";

    /// <summary>
    /// Whether <paramref name="relative"/>, looked up from <paramref name="root"/> and following every
    /// symbolic link that exists on the way (the last component included), stays within root. Components
    /// that do not exist yet are taken as plain directories.
    /// </summary>
    public static bool StaysInside(string root, string relative)
    {
        var pending = new LinkedList<string>(relative.Split('/'));
        var resolved = new List<string>();
        var hops = 0;
        while (pending.First is { } first)
        {
            pending.RemoveFirst();
            var part = first.Value;
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (resolved.Count == 0) return false;
                resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            resolved.Add(part);
            if (ReadLink(Path.Combine(root, string.Join('/', resolved))) is not { } target) continue;
            if (++hops > MaxLinkHops) return false;
            resolved.RemoveAt(resolved.Count - 1);
            if (target.StartsWith('/'))
            {
                // An absolute link is inside only when it names a place under root; what follows root is
                // resolved like any relative path (not normalised first: "root/link/.." depends on link).
                if (target != root && !target.StartsWith(root + "/", StringComparison.Ordinal)) return false;
                resolved.Clear();
                target = target[root.Length..];
            }
            var node = pending.First;
            foreach (var segment in target.Split('/'))
            {
                if (node is null) pending.AddLast(segment);
                else pending.AddBefore(node, segment);
            }
        }
        return true;
    }

    /// <summary>The target of the symbolic link at <paramref name="path"/>, or null when it is not one or does not exist.</summary>
    public static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null; // missing, or a component is not a directory: nothing to follow
        }
    }

    /// <summary>Whether a symbolic link (not what it points to) exists at <paramref name="path"/>.</summary>
    public static bool IsLink(string path) => ReadLink(path) is not null;
}
