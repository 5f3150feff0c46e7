using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Bridge.Eventing.Broker.Protocol;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Broker;

/// <summary>
/// One client connection: reads size-prefixed request frames, handles them one at a time in
/// arrival order and writes each response before the next request is handled, as Kafka does
/// (a connection is muted while its request is in flight, so responses keep request order).
/// Requests that arrived together are answered with one flush. A frame that cannot be parsed,
/// a size prefix out of range, or an unserved API closes the connection after the responses
/// already due; an ApiVersions request newer than served gets Kafka's v0 fallback answer.
/// </summary>
internal sealed class BrokerConnection(RequestRouter router, int maxFrameBytes, ILogger logger)
{
    /// <summary>Serves <paramref name="connection"/> until the client closes it, sends bad input, or <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(ConnectionContext connection, CancellationToken stopping)
    {
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, stopping);
        var clientHost = connection.RemoteEndPoint is IPEndPoint ip ? "/" + ip.Address : "/unknown";
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var frames = new Queue<Frame>();
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(closed.Token);
                var buffer = read.Buffer;
                KafkaProtocolException? badFrame = null;
                try
                {
                    while (KafkaFrame.TryReadFrame(ref buffer, maxFrameBytes, out var frame)) frames.Enqueue(Frame.CopyOf(frame));
                }
                catch (KafkaProtocolException e)
                {
                    badFrame = e;
                }
                input.AdvanceTo(buffer.Start, buffer.End);

                while (frames.TryDequeue(out var frame))
                {
                    bool keepOpen;
                    try
                    {
                        keepOpen = await HandleAsync(frame.Bytes, output, clientHost, connection.ConnectionId, closed.Token);
                    }
                    finally
                    {
                        frame.Return();
                    }
                    if (!keepOpen)
                    {
                        await output.FlushAsync(closed.Token);
                        return;
                    }
                }
                await output.FlushAsync(closed.Token);
                if (badFrame is not null)
                {
                    logger.LogInformation("Closing connection {Connection} from {Client}: {Error}", connection.ConnectionId, clientHost, badFrame.Message);
                    return;
                }
                if (read.IsCompleted) return;
            }
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
            // The client went away, or the broker is stopping.
        }
        catch (ConnectionResetException)
        {
        }
        finally
        {
            foreach (var frame in frames) frame.Return();
            await input.CompleteAsync();
            await output.CompleteAsync();
        }
    }

    /// <summary>Decodes and answers one frame; false when the connection must close.</summary>
    private async ValueTask<bool> HandleAsync(ReadOnlyMemory<byte> frame, PipeWriter output, string clientHost, string connectionId, CancellationToken cancellationToken)
    {
        DecodedRequest request;
        try
        {
            request = RequestDecoder.Decode(frame);
        }
        catch (KafkaUnsupportedRequestException e) when (e.CanAnswer)
        {
            ResponseEncoder.EncodeApiVersionsFallback(output, e.Header.CorrelationId);
            return true;
        }
        catch (KafkaProtocolException e)
        {
            logger.LogInformation("Closing connection {Connection} from {Client}: {Error}", connectionId, clientHost, e.Message);
            return false;
        }
        IKafkaResponse? response;
        try
        {
            response = await router.HandleAsync(request.Header, request.Request, clientHost, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "{Api} v{Version} from {Client} (correlation id {CorrelationId}) failed; closing the connection",
                request.Header.ApiKey, request.Header.ApiVersion, clientHost, request.Header.CorrelationId);
            return false;
        }
        if (response is not null) ResponseEncoder.Encode(output, request.Header, response);
        return true;
    }

    /// <summary>
    /// A request frame copied out of the pipe into a pooled array, so the pipe can move on while
    /// the request is handled (a Fetch may wait, a Produce's batches alias the frame until they
    /// are appended). Returned once its response is written: nothing decoded outlives that.
    /// </summary>
    private readonly record struct Frame(byte[] Array, int Length)
    {
        public ReadOnlyMemory<byte> Bytes => Array.AsMemory(0, Length);

        public static Frame CopyOf(in ReadOnlySequence<byte> frame)
        {
            var array = ArrayPool<byte>.Shared.Rent((int)frame.Length);
            frame.CopyTo(array);
            return new Frame(array, (int)frame.Length);
        }

        public void Return() => ArrayPool<byte>.Shared.Return(Array);
    }
}
