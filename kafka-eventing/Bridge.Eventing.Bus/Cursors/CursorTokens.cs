using Bridge.Eventing.Protocol;
using Bridge.Eventing.Security;
using Bridge.Rpc;
using Google.Protobuf;

namespace Bridge.Eventing.Bus.Cursors;

/// <summary>
/// Cursor tokens: a cursor's payload (<see cref="CursorCodec"/>) sealed with HMAC-SHA256 under the
/// bus's cursor keys (<see cref="TokenSealer"/>, purpose <c>bus-cursor</c>), so a client holds its
/// cursor but cannot forge or alter one, and any back-end node sharing the keys opens it.
/// </summary>
public sealed class CursorTokens
{
    /// <summary>The purpose mixed into every cursor token's MAC.</summary>
    public const string Purpose = "bus-cursor";

    private readonly TokenSealer _sealer;

    /// <summary>Tokens sealed and opened with <paramref name="sealer"/> (made with purpose <see cref="Purpose"/>).</summary>
    public CursorTokens(TokenSealer sealer)
    {
        _sealer = sealer;
    }

    /// <summary>The token of <paramref name="cursor"/>.</summary>
    public byte[] Seal(ReadCursor cursor) => _sealer.Seal(CursorCodec.Encode(cursor));

    /// <summary>The token of <paramref name="cursor"/>.</summary>
    public byte[] Seal(WriteCursor cursor) => _sealer.Seal(CursorCodec.Encode(cursor));

    /// <summary>The read cursor in <paramref name="token"/>, which must be for <paramref name="topic"/>.</summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT (cursor-invalid): not a token the bus sealed, not a read cursor, or for another topic.</exception>
    public ReadCursor OpenRead(ByteString token, string topic)
    {
        var payload = Open(token);
        if (!CursorCodec.TryDecode(payload, out ReadCursor? cursor, out var error)) throw Invalid(error);
        return cursor!.Topic == topic ? cursor : throw Invalid($"the cursor is for topic '{cursor.Topic}'");
    }

    /// <summary>The write cursor in <paramref name="token"/>, which must be for <paramref name="topic"/>.</summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT (cursor-invalid): not a token the bus sealed, not a write cursor, or for another topic.</exception>
    public WriteCursor OpenWrite(ByteString token, string topic)
    {
        var payload = Open(token);
        if (!CursorCodec.TryDecode(payload, out WriteCursor? cursor, out var error)) throw Invalid(error);
        return cursor!.Topic == topic ? cursor : throw Invalid($"the cursor is for topic '{cursor.Topic}'");
    }

    private byte[] Open(ByteString token) =>
        _sealer.TryOpen(token.Span, out var payload, out var error) ? payload : throw Invalid(error);

    private static RpcException Invalid(string error) =>
        BusReason.Error(StatusCode.InvalidArgument, BusReason.CursorInvalid, $"cursor: {error}");
}
