using System.Threading.Channels;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1.Agent;
using Bridge.Rpc;
using Microsoft.Extensions.Logging;

namespace Bridge.Kernel.Agent.Internal;

/// <summary>
/// The agent's stream to its master: connects, sends the registration the agent builds, pumps
/// messages both ways, and on any failure reconnects.
/// Among several masters (<see cref="AgentOptions.OtherMasters"/>), a standby's UNAVAILABLE naming the leader sends
/// it there at once; any other failure moves it to the next master.
/// Retries: the first after losing an established stream (one that answered and lasted at least the first backoff) is
/// immediate (at the next master: the leader may have died);
/// later ones wait a random time in [b/2, b] (jitter, so agents do not arrive in a herd), where b starts at
/// <see cref="AgentOptions.ReconnectBackoff"/> and doubles, up to <see cref="AgentOptions.ReconnectBackoffMax"/>, each
/// time every master has failed once more with no standby answering in between (so hopping between standbys while a
/// leader is elected stays quick, and only a cluster with no master up is polled ever more slowly).
/// Messages sent while disconnected are dropped: status updates are kept and resent by
/// <see cref="StatusUpdates"/>, everything else is rebuilt by re-registration.
/// </summary>
internal sealed class MasterLink(AgentOptions options, ILogger logger, Func<Task<AgentMessage>> registration,
    Action<MasterMessage> received, Action disconnected)
{
    private Channel<AgentMessage>? _outbound;

    public void Send(AgentMessage message) => Volatile.Read(ref _outbound)?.Writer.TryWrite(message);

    private long _pingTimeoutTicks;

    /// <summary>The longest silence from the master before the stream is taken for dead and the agent reconnects (the
    /// master's <c>total_ping_timeout_seconds</c>; null: wait forever). A partition that heals can leave a half-open
    /// connection on which nothing ever arrives again (Mesos' agent ping timeout).</summary>
    public TimeSpan? PingTimeout
    {
        get => Interlocked.Read(ref _pingTimeoutTicks) is > 0 and var ticks ? TimeSpan.FromTicks(ticks) : null;
        set => Interlocked.Exchange(ref _pingTimeoutTicks, value?.Ticks ?? 0);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = options.ReconnectBackoff;
        var failures = 0;
        var masters = 1 + options.OtherMasters.Count(m => m != options.Master);
        var targets = new MasterTargets(options.Master, options.OtherMasters);
        var channels = new Dictionary<Uri, RpcChannel>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var master = targets.Current;
                if (!channels.TryGetValue(master, out var channel)) channels[master] = channel = RpcChannel.ForAddress(master);
                var started = options.TimeProvider.GetTimestamp();
                var (gotMessage, error) = await ConnectAsync(new AgentMasterClient(channel), master, cancellationToken);
                if (cancellationToken.IsCancellationRequested) break;
                disconnected();
                // A standby answering means the masters are alive and electing: no reason to back off further.
                if (error?.Trailers.GetValue(MasterTargets.LeaderHeader) is not null) failures = 0;
                // A standby that named the leader: straight there. Otherwise the next master.
                if (targets.After(error)) continue;
                if (gotMessage)
                {
                    backoff = options.ReconnectBackoff;
                    failures = 0;
                    // An established stream (not one a master closes right after answering): retry at once.
                    if (options.TimeProvider.GetElapsedTime(started) >= options.ReconnectBackoff) continue;
                }
                try
                {
                    await Task.Delay(Jitter(backoff), options.TimeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                if (++failures % masters == 0) backoff = backoff * 2 < options.ReconnectBackoffMax ? backoff * 2 : options.ReconnectBackoffMax;
            }
        }
        finally
        {
            foreach (var channel in channels.Values) channel.Dispose();
        }
    }

    private static TimeSpan Jitter(TimeSpan backoff) => backoff / 2 + backoff / 2 * Random.Shared.NextDouble();

    /// <summary>
    /// One stream to <paramref name="master"/> until it ends: whether any message came, and the status it failed with
    /// (null when it ended otherwise).
    /// </summary>
    private async Task<(bool GotMessage, RpcException? Error)> ConnectAsync(AgentMasterClient client, Uri master, CancellationToken cancellationToken)
    {
        var gotMessage = false;
        try
        {
            using var call = client.Connect(new CallOptions(CancellationToken: cancellationToken));
            var outbound = Channel.CreateUnbounded<AgentMessage>(new UnboundedChannelOptions { SingleReader = true });
            await call.RequestStream.WriteAsync(await registration());
            Volatile.Write(ref _outbound, outbound);
            var writer = PumpAsync(outbound.Reader, call.RequestStream, cancellationToken);
            try
            {
                // Timed on the agent's clock; cancelled with the link too.
                using var silence = new CancellationTokenSource(Timeout.InfiniteTimeSpan, options.TimeProvider);
                using var linked = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), silence);
                while (true)
                {
                    if (PingTimeout is { } timeout) silence.CancelAfter(timeout);
                    try
                    {
                        if (!await call.ResponseStream.MoveNext(silence.Token)) break;
                    }
                    catch (Exception e) when (e is OperationCanceledException or RpcException && silence.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        logger.LogWarning("Nothing from the master {Master} for {Timeout}: taking the stream for dead", master, PingTimeout);
                        return (gotMessage, null);
                    }
                    gotMessage = true;
                    received(call.ResponseStream.Current);
                }
                logger.LogWarning("The master {Master} closed the agent stream", master);
            }
            finally
            {
                Volatile.Write(ref _outbound, null);
                outbound.Writer.TryComplete();
                await writer;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (RpcException e)
        {
            logger.LogWarning("Agent stream to {Master} failed: {Status} {Detail}", master, e.StatusCode, e.Status.Detail);
            return (gotMessage, e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            logger.LogWarning("Agent stream to {Master} failed: {Error}", master, e.Message);
        }
        return (gotMessage, null);
    }

    private static async Task PumpAsync(ChannelReader<AgentMessage> messages, IClientStreamWriter<AgentMessage> stream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in messages.ReadAllAsync(cancellationToken)) await stream.WriteAsync(message);
            await stream.CompleteAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException)
        {
            // The reader side notices the broken stream and reconnects.
        }
    }
}
