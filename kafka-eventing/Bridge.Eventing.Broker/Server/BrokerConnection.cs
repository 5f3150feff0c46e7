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
        var frames = new List<byte[]>();
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(closed.Token);
                var buffer = read.Buffer;
                KafkaProtocolException? badFrame = null;
                try
                {
                    while (KafkaFrame.TryReadFrame(ref buffer, maxFrameBytes, out var frame)) frames.Add(frame.ToArray());
                }
                catch (KafkaProtocolException e)
                {
                    badFrame = e;
                }
                input.AdvanceTo(buffer.Start, buffer.End);

                foreach (var frame in frames)
                    if (!await HandleAsync(frame, output, clientHost, connection.ConnectionId, closed.Token))
                    {
                        await output.FlushAsync(closed.Token);
                        return;
                    }
                frames.Clear();
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
            await input.CompleteAsync();
            await output.CompleteAsync();
        }
    }

    /// <summary>Decodes and answers one frame; false when the connection must close.</summary>
    private async ValueTask<bool> HandleAsync(byte[] frame, PipeWriter output, string clientHost, string connectionId, CancellationToken cancellationToken)
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
}
