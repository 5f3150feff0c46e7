using Bridge.Rpc;

namespace Bridge.Kernel.Coordination.Etcd;

/// <summary>
/// An etcd call failed. The message names the endpoint, the call and etcd's own error text (for example
/// <c>etcdserver: requested lease not found</c>); <see cref="StatusCode"/> is the gRPC status etcd answered with.
/// Subclasses name the failures callers act on.
/// </summary>
public class EtcdException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>, answered with <paramref name="status"/>.</summary>
    public EtcdException(string message, StatusCode status, Exception? inner = null) : base(message, inner) => StatusCode = status;

    /// <summary>The gRPC status of the failed call (UNAVAILABLE when no endpoint answered).</summary>
    public StatusCode StatusCode { get; }

    /// <summary>
    /// The typed exception for etcd's answer <paramref name="e"/> to <paramref name="call"/> on <paramref name="endpoint"/>,
    /// from etcd's error texts (etcd api/v3rpc/rpctypes): lease not found, revision compacted, or no endpoint answering.
    /// </summary>
    public static EtcdException From(RpcException e, Uri endpoint, string call)
    {
        var detail = e.Status.Detail;
        var message = $"etcd {endpoint} {call}: {(detail.Length > 0 ? detail : e.StatusCode.ToString())}";
        if (detail.Contains("requested lease not found", StringComparison.Ordinal)) return new EtcdLeaseNotFoundException(message, e);
        if (detail.Contains("required revision has been compacted", StringComparison.Ordinal)) return new EtcdCompactedException(message, 0, e);
        if (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded) return new EtcdUnavailableException(message, e);
        return new EtcdException(message, e.StatusCode, e);
    }
}

/// <summary>The lease no longer exists: it expired or was revoked (etcd: <c>etcdserver: requested lease not found</c>).
/// Every key attached to it is gone.</summary>
public sealed class EtcdLeaseNotFoundException(string message, Exception? inner = null)
    : EtcdException(message, StatusCode.NotFound, inner);

/// <summary>A read or watch asked for a revision older than etcd's last compaction
/// (<c>etcdserver: mvcc: required revision has been compacted</c>).</summary>
public sealed class EtcdCompactedException(string message, long compactRevision, Exception? inner = null)
    : EtcdException(message, StatusCode.OutOfRange, inner)
{
    /// <summary>The oldest revision etcd still has (0 when etcd did not say).</summary>
    public long CompactRevision { get; } = compactRevision;
}

/// <summary>No endpoint answered in time (each was tried in turn): etcd is down, partitioned away, or has no quorum.</summary>
public sealed class EtcdUnavailableException(string message, Exception? inner = null)
    : EtcdException(message, StatusCode.Unavailable, inner);
