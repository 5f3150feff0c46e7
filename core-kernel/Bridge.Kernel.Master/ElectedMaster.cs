using Bridge.Rpc;

namespace Bridge.Kernel.Master;

/// <summary>
/// The master this process serves calls with, when it leads. A lone master always leads; among masters electing a
/// leader in etcd, a standby has none and answers every call with UNAVAILABLE naming the leader (Mesos' non-leading
/// masters redirect the same way), in the message and in the <see cref="LeaderHeader"/> trailer, so clients can follow.
/// </summary>
public sealed class ElectedMaster
{
    /// <summary>The trailer (gRPC) and header (HTTP) that carry the leader's address, <c>http://host:port</c>; empty when
    /// no leader is known.</summary>
    public const string LeaderHeader = Protocol.MasterTargets.LeaderHeader;

    private volatile Master? _master;
    private volatile Func<bool>? _holds;
    private volatile string? _leader;

    /// <summary>A seat with no master yet (a standby until <see cref="Lead"/>).</summary>
    public ElectedMaster()
    {
    }

    /// <summary>A lone master's seat: it always leads.</summary>
    public ElectedMaster(Master master) => _master = master;

    /// <summary>The leading master.</summary>
    /// <exception cref="RpcException">UNAVAILABLE: this process does not lead (the message and trailer name the leader when
    /// known), or its leadership may have lapsed though it has not stepped down yet.</exception>
    public Master Current => Leading ?? throw NotLeader();

    /// <summary>The master when this process leads (and its leadership surely holds now), else null.</summary>
    public Master? Leading => _master is { } master && (_holds?.Invoke() ?? true) ? master : null;

    /// <summary>The leader's address as last observed (this process's own when it leads), or null.</summary>
    public string? Leader
    {
        get => _leader;
        set => _leader = value;
    }

    /// <summary>How many times this process has been elected (a lone master: 0, it never campaigns).</summary>
    public int Terms => _terms;

    private int _terms;

    /// <summary>This process leads with <paramref name="master"/> from now on (a new term), while <paramref name="holds"/>
    /// (checked on every call; e.g. <c>Leadership.Holds</c>) says the leadership surely holds.</summary>
    public void Lead(Master master, Func<bool>? holds = null)
    {
        Interlocked.Increment(ref _terms);
        _holds = holds;
        _master = master;
    }

    /// <summary>This process stops leading: calls are refused from now on; returns the master that led, to be stopped.</summary>
    public Master? StepDown() => Interlocked.Exchange(ref _master, null);

    /// <summary>UNAVAILABLE naming the leader.</summary>
    public RpcException NotLeader()
    {
        var leader = _leader;
        var message = leader is { Length: > 0 } ? $"this master is not the leader; the leader is {leader}" : "this master is not the leader, and no leader is elected yet; retry";
        return new RpcException(new Status(StatusCode.Unavailable, message), new Metadata { { LeaderHeader, leader ?? "" } });
    }
}
