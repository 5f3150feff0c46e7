using Bridge.Rpc;

namespace Bridge.Kernel.Protocol;

/// <summary>
/// Which master an agent or a scheduler connects to next: its configured master first, then, among several masters
/// electing a leader, the leader a standby named (the <see cref="LeaderHeader"/> trailer of its UNAVAILABLE), else
/// the next master in the list. Pure; not thread-safe (one connection loop owns it).
/// </summary>
public sealed class MasterTargets(Uri first, IReadOnlyList<Uri> others)
{
    /// <summary>The trailer in which a standby master names the leader, <c>http://host:port</c> (empty when it knows none).</summary>
    public const string LeaderHeader = "bridge-leader";

    private readonly List<Uri> _all = [first, .. others.Where(o => o != first)];
    private int _index;

    /// <summary>Where to connect now.</summary>
    public Uri Current { get; private set; } = first;

    /// <summary>A standby named <paramref name="leader"/> (<c>http://host:port</c>): go there next. When it names itself (it was
    /// just elected and is still starting its master) the target stays, to be tried again after a backoff. Ignored when
    /// empty or not an http(s) URI (the next master is tried instead).</summary>
    /// <returns>Whether the target moved to the named leader (connect again at once).</returns>
    public bool Redirect(string? leader)
    {
        if (leader is { Length: > 0 } && Uri.TryCreate(leader, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            if (uri == Current) return false;
            Current = uri;
            return true;
        }
        Failed();
        return false;
    }

    /// <summary>
    /// After a failed connection or call: follows the leader named in <paramref name="e"/>'s trailer when a standby
    /// answered UNAVAILABLE with one (returns true: connect again at once), else moves to the next master (false).
    /// </summary>
    public bool After(RpcException? e) =>
        e is { StatusCode: StatusCode.Unavailable } && e.Trailers.GetValue(LeaderHeader) is { } leader ? Redirect(leader) : FailedAndFalse();

    private bool FailedAndFalse()
    {
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
