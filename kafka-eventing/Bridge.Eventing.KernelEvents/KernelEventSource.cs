using System.Runtime.CompilerServices;
using Bridge.Kernel.Protocol;
using Bridge.Eventing.KernelEvents.Internal;
using Bridge.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Event = Bridge.Kernel.V1.Operator.Event;

namespace Bridge.Eventing.KernelEvents;

/// <summary>
/// Kernel events from a running master: subscribes to its operator API
/// (<c>bridge.v1.operator.Operator/Subscribe</c> over gRPC), maps each event with
/// <see cref="KernelEventMapper"/> and yields the records in the master's order.
/// <para>
/// When the stream breaks (the master stops or restarts, the connection drops, or no event — not
/// even a HEARTBEAT — comes for <see cref="KernelEventSourceOptions.MissedHeartbeats"/> intervals)
/// it subscribes again after a backoff on <see cref="KernelEventSourceOptions.TimeProvider"/> (1 s,
/// doubling to 30 s by default). <b>Events during the gap are lost</b>: the operator API has no
/// replay, a new subscription starts with the state at that moment (SUBSCRIBED) and the changes
/// after it. With <see cref="KernelEventSourceOptions.EmitSnapshot"/> that state is emitted as
/// SNAPSHOT records after every (re)subscription, so a consumer can resync (the master keeps
/// bounded lists of completed tasks and frameworks, so what ended long ago may be missing from it).
/// Offer summaries sent during a gap are lost with their deltas (the totals stay on the master's
/// <c>/metrics</c>).
/// </para>
/// Each <see cref="ReadAllAsync"/> opens its own connection; a source can be read by several
/// readers at once, each getting every event.
/// </summary>
public sealed partial class KernelEventSource
{
    private readonly Uri _master;
    private readonly KernelEventSourceOptions _options;
    private readonly ILogger _logger;

    /// <summary>A source of the master at <paramref name="master"/> (e.g. <c>http://127.0.0.1:5050</c>).</summary>
    /// <param name="master">The master's address.</param>
    /// <param name="options">Settings (default: <see cref="KernelEventSourceOptions"/>' defaults).</param>
    /// <param name="loggerFactory">Logs each (re)subscription and each broken stream (default: none).</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="KernelEventSourceOptions.Backoff"/> is not positive, <see cref="KernelEventSourceOptions.MaxBackoff"/>
    /// is below it, or <see cref="KernelEventSourceOptions.MissedHeartbeats"/> is negative.</exception>
    public KernelEventSource(Uri master, KernelEventSourceOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        _master = master;
        _options = options ?? new KernelEventSourceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.Backoff, TimeSpan.Zero, "options.Backoff");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBackoff, _options.Backoff, "options.MaxBackoff");
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MissedHeartbeats, "options.MissedHeartbeats");
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<KernelEventSource>();
    }

    /// <summary>
    /// The master's events as records, until <paramref name="cancellationToken"/> fires; re-subscribes
    /// by itself after a broken stream (see the class remarks for what is lost).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    /// <exception cref="RpcException">The master refused the subscription in a way retrying cannot fix:
    /// UNIMPLEMENTED (no operator API there), INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED.</exception>
    public async IAsyncEnumerable<KernelEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var channel = RpcChannel.ForAddress(_master);
        var client = new OperatorClient(channel);
        var backoff = _options.Backoff;
        var subscriptions = 0;
        while (true)
        {
            using (var subscription = new OperatorSubscription(client, _options, cancellationToken))
            {
                while (await subscription.NextAsync() is { } e)
                {
                    if (e.Type == Event.Types.Type.Subscribed)
                    {
                        backoff = _options.Backoff;
                        if (++subscriptions == 1) LogSubscribed(_master);
                        else LogResubscribed(_master, subscriptions - 1);
                    }
                    foreach (var record in KernelEventMapper.Map(e, _options.EmitSnapshot)) yield return record;
                }
                LogBroken(_master, subscription.Ended!, backoff);
            }
            await Task.Delay(backoff, _options.TimeProvider, cancellationToken);
            backoff = backoff * 2 < _options.MaxBackoff ? backoff * 2 : _options.MaxBackoff;
        }
    }
}
