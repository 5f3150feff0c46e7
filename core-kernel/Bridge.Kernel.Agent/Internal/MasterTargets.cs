namespace Bridge.Kernel.Agent.Internal;

/// <summary>
/// Which master the agent connects to next: its configured master first, then, among several masters electing a
/// leader, the leader a standby named (its <c>bridge-leader</c> trailer), else the next master in the list.
/// Pure; not thread-safe (the master link's loop owns it).
/// </summary>
internal sealed class MasterTargets(Uri first, IReadOnlyList<Uri> others)
{
    private readonly List<Uri> _all = [first, .. others.Where(o => o != first)];
    private int _index;

    /// <summary>Where to connect now.</summary>
    public Uri Current { get; private set; } = first;

    /// <summary>A standby named <paramref name="leader"/> (<c>http://host:port</c>): go there next. Ignored when empty or
    /// not an http(s) URI (the next master is tried instead).</summary>
    /// <returns>Whether the target moved to the named leader.</returns>
    public bool Redirect(string? leader)
    {
        if (leader is { Length: > 0 } && Uri.TryCreate(leader, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri != Current)
        {
            Current = uri;
            return true;
        }
        Failed();
        return false;
    }

    /// <summary>The current master did not answer or closed the stream: the next in the list.</summary>
    public void Failed()
    {
        _index = (_index + 1) % _all.Count;
        Current = _all[_index];
    }
}
