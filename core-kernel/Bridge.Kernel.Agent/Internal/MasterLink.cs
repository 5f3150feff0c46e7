using System.Threading.Channels;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1.Agent;
using Bridge.Rpc;
using Microsoft.Extensions.Logging;

namespace Bridge.Kernel.Agent.Internal;

/// <summary>
/// The agent's stream to its master: connects, sends the registration the agent builds, pumps
/// messages both ways, and on any failure reconnects with backoff
/// (<see cref="AgentOptions.ReconnectBackoff"/> doubling to <see cref="AgentOptions.ReconnectBackoffMax"/>).
/// Messages sent while disconnected are dropped: status updates are kept and resent by
/// <see cref="StatusUpdates"/>, everything else is rebuilt by re-registration.
/// </summary>
internal sealed class MasterLink(AgentOptions options, ILogger logger, Func<Task<AgentMessage>> registration,
    Action<MasterMessage> received, Action disconnected)
{
    private Channel<AgentMessage>? _outbound;

    public void Send(AgentMessage message) => Volatile.Read(ref _outbound)?.Writer.TryWrite(message);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = options.ReconnectBackoff;
        using var channel = RpcChannel.ForAddress(options.Master);
        var client = new AgentMasterClient(channel);
        while (!cancellationToken.IsCancellationRequested)
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
                    while (await call.ResponseStream.MoveNext(cancellationToken))
                    {
                        gotMessage = true;
                        backoff = options.ReconnectBackoff;
                        received(call.ResponseStream.Current);
                    }
                    logger.LogWarning("The master closed the agent stream");
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
                break;
            }
            catch (RpcException e)
            {
                logger.LogWarning("Agent stream to {Master} failed: {Status} {Detail}", options.Master, e.StatusCode, e.Status.Detail);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                logger.LogWarning("Agent stream to {Master} failed: {Error}", options.Master, e.Message);
            }
            disconnected();
            if (!gotMessage) backoff = backoff * 2 < options.ReconnectBackoffMax ? backoff * 2 : options.ReconnectBackoffMax;
            try
            {
                await Task.Delay(backoff, options.TimeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
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
