using Bridge.Eventing.V1;
using Bridge.Rpc;
using Google.Protobuf;

namespace Bridge.Eventing.Client.Sessions;

/// <summary>
/// What the client's read and write sessions share: the topic, the session id while allocated, the
/// cursor, how a call is made (a moved session forgets its id so that the next attempt re-allocates),
/// how a step runs under the retry pipeline, and the best-effort Dispose.
/// </summary>
public abstract class SessionBase : IAsyncDisposable
{
    private protected SessionBase(SessionCalls calls, string topic, byte[]? cursor)
    {
        Calls = calls;
        Topic = topic;
        CursorToken = cursor is null ? ByteString.Empty : ByteString.CopyFrom(cursor);
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The last acknowledged cursor (opaque): keep it to resume the session later.</summary>
    public byte[] Cursor => CursorToken.ToByteArray();

    /// <summary>The session's partitions (read) or the topic's (write), known once allocated.</summary>
    public IReadOnlyList<int> Partitions { get; private protected set; } = [];

    /// <summary>Times the session was allocated (1 + failovers).</summary>
    public int Allocations { get; private protected set; }

    private protected SessionCalls Calls { get; }

    private protected ByteString CursorToken { get; set; }

    private protected string? SessionId { get; set; }

    /// <summary>Disposes the session on the bus (best effort: an unreachable bus expires it after its idle timeout).</summary>
    public async ValueTask DisposeAsync()
    {
        if (SessionId is not { } id) return;
        SessionId = null;
        try
        {
            var request = new DisposeRequest { SessionId = id };
            var options = await Calls.OptionsAsync(SessionCalls.Method("Dispose"), request, TimeSpan.Zero, CancellationToken.None);
            await Calls.Client.DisposeAsync(request, options with { Deadline = DateTime.UtcNow.AddSeconds(5) });
        }
        catch (RpcException)
        {
        }
    }

    /// <summary>One call; a moved session forgets its id, so the retry allocates again from the cursor.</summary>
    private protected async Task<T> CallAsync<T>(CancellationToken cancellationToken, string rpc, IMessage request, TimeSpan extra,
        Func<Protocol.EventBusClient, CallOptions, Task<T>> call)
    {
        var options = await Calls.OptionsAsync(SessionCalls.Method(rpc), request, extra, cancellationToken);
        try
        {
            return await call(Calls.Client, options);
        }
        catch (RpcException e) when (SessionCalls.IsMoved(e))
        {
            SessionId = null;
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="step"/> under the retry pipeline; what retrying cannot mend becomes a
    /// <see cref="BusException"/>, and a call cancelled by <paramref name="cancellationToken"/> (which the
    /// transport reports as CANCELLED) an <see cref="OperationCanceledException"/>, as .NET callers expect.
    /// </summary>
    private protected async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken)
    {
        try
        {
            return await Calls.Retry.ExecuteAsync(async ct => await step(ct), cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"{operation} on {Topic} was cancelled", e, cancellationToken);
        }
        catch (RpcException e)
        {
            throw new BusException($"{operation} on {Topic}", e);
        }
    }
}
