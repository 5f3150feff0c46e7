using Bridge.Kernel.Protocol;
using Bridge.Rpc;
using Call = Bridge.Kernel.V1.Operator.Call;
using Event = Bridge.Kernel.V1.Operator.Event;

namespace Bridge.Eventing.KernelEvents.Internal;

/// <summary>
/// One operator Subscribe call: its events one at a time, and once it ends, why
/// (<see cref="Ended"/>). A watchdog on the options' clock cancels the call when a wait for the next
/// event lasts <c>MissedHeartbeats</c> heartbeat intervals (15 s assumed until SUBSCRIBED gives the
/// master's).
/// </summary>
internal sealed class OperatorSubscription : IDisposable
{
    // Mesos' default heartbeat interval (and the master's), assumed until SUBSCRIBED says.
    private static readonly TimeSpan DefaultHeartbeat = TimeSpan.FromSeconds(15);

    private readonly CancellationToken _caller;
    private readonly CancellationTokenSource _call;
    private readonly AsyncServerStreamingCall<Event> _stream;
    private readonly int _missedHeartbeats;
    private readonly ITimer? _watchdog;
    private TimeSpan _silence;
    private volatile bool _silent;

    public OperatorSubscription(OperatorClient client, KernelEventSourceOptions options, CancellationToken caller)
    {
        _caller = caller;
        _call = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _missedHeartbeats = options.MissedHeartbeats;
        _silence = DefaultHeartbeat * _missedHeartbeats;
        if (_missedHeartbeats > 0)
            _watchdog = options.TimeProvider.CreateTimer(static s => ((OperatorSubscription)s!).Silent(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stream = client.Subscribe(new Call { Type = Call.Types.Type.Subscribe }, new CallOptions(CancellationToken: _call.Token));
    }

    /// <summary>Why the stream ended, once <see cref="NextAsync"/> returned null: "the master ended the
    /// stream", the gRPC status, or the silence that broke it.</summary>
    public string? Ended { get; private set; }

    /// <summary>The next event, or null once the stream is over (see <see cref="Ended"/>).</summary>
    /// <exception cref="OperationCanceledException">The caller's token fired.</exception>
    /// <exception cref="RpcException">A status retrying cannot fix (UNIMPLEMENTED, INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED).</exception>
    public async Task<Event?> NextAsync()
    {
        // Armed only while waiting: time the caller spends on an event is not the master's silence.
        _watchdog?.Change(_silence, Timeout.InfiniteTimeSpan);
        try
        {
            if (!await _stream.ResponseStream.MoveNext(CancellationToken.None))
            {
                Ended = "the master ended the stream";
                return null;
            }
        }
        catch (Exception e) when (_caller.IsCancellationRequested && e is RpcException or OperationCanceledException)
        {
            throw new OperationCanceledException(_caller);
        }
        catch (Exception e) when (_silent && e is RpcException or OperationCanceledException)
        {
            Ended = $"no event for {_silence.TotalSeconds:0.###} s";
            return null;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unimplemented or StatusCode.InvalidArgument
                                         or StatusCode.PermissionDenied or StatusCode.Unauthenticated)
        {
            throw;
        }
        catch (RpcException e)
        {
            Ended = $"{e.StatusCode}: {e.Status.Detail}";
            return null;
        }
        var current = _stream.ResponseStream.Current;
        if (current.Type == Event.Types.Type.Subscribed && current.Subscribed?.HeartbeatIntervalSeconds is > 0 and var seconds)
            _silence = Silence(seconds * _missedHeartbeats);
        _watchdog?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return current;
    }

    // Timers hold at most about 49.7 days; a master that promises heartbeats further apart than a
    // timer can wait gets no watchdog.
    private static TimeSpan Silence(double seconds) =>
        double.IsFinite(seconds) && seconds < TimeSpan.FromDays(49).TotalSeconds ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan;

    private void Silent()
    {
        _silent = true;
        try
        {
            _call.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The subscription was disposed while the watchdog fired: nothing left to cancel.
        }
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        _stream.Dispose();
        _call.Dispose();
    }
}
