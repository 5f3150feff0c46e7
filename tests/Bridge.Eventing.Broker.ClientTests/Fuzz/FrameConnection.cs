using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Bridge.Eventing.Broker.ClientTests.Fuzz;

/// <summary>
/// A raw TCP connection that sends bytes and reads whole response frames (int32 size prefix),
/// telling a broker that closed (FIN at a frame boundary, or RST) from one that answered.
/// </summary>
internal sealed class FrameConnection : IDisposable
{
    /// <summary>Largest response accepted as sane; the broker's answers here are a few KiB.</summary>
    private const int MaxResponseBytes = 16 * 1024 * 1024;

    private readonly Socket _socket;

    private FrameConnection(Socket socket) => _socket = socket;

    public static async Task<FrameConnection> ConnectAsync(IPEndPoint endpoint, CancellationToken cancel)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancel);
            return new FrameConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends everything; false when the broker had already reset the connection.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel)
    {
        try
        {
            while (!bytes.IsEmpty)
            {
                int sent = await _socket.SendAsync(bytes, SocketFlags.None, cancel);
                bytes = bytes[sent..];
            }
            return true;
        }
        catch (SocketException e) when (IsClosedByPeer(e))
        {
            return false;
        }
    }

    /// <summary>Says "no more requests" (FIN) while still reading.</summary>
    public void HalfClose()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException e) when (IsClosedByPeer(e))
        {
        }
    }

    /// <summary>
    /// One response frame body (correlation id first), or null when the broker closed the
    /// connection between frames.
    /// </summary>
    /// <exception cref="InvalidDataException">A closed connection in the middle of a response, or an absurd size.</exception>
    /// <exception cref="OperationCanceledException">Neither an answer nor a close before <paramref name="cancel"/>.</exception>
    public async Task<byte[]?> ReadFrameAsync(CancellationToken cancel)
    {
        var prefix = new byte[4];
        int got = await ReadAsync(prefix, cancel);
        if (got == 0) return null;
        if (got < 4) throw new InvalidDataException($"connection closed after {got} bytes of a response size prefix");
        int size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size is < 4 or > MaxResponseBytes) throw new InvalidDataException($"response size prefix {size}");
        var body = new byte[size];
        got = await ReadAsync(body, cancel);
        if (got < size) throw new InvalidDataException($"connection closed after {got} of {size} response bytes");
        return body;
    }

    // Fills the buffer; returns fewer bytes only when the connection closed (FIN or RST) first.
    private async Task<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = await _socket.ReceiveAsync(buffer[total..], SocketFlags.None, cancel);
                if (n == 0) break;
                total += n;
            }
        }
        catch (SocketException e) when (IsClosedByPeer(e))
        {
        }
        return total;
    }

    private static bool IsClosedByPeer(SocketException e) =>
        e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown;

    public void Dispose() => _socket.Dispose();
}
