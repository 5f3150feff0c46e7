using System.Collections.Immutable;
using Bridge.Eventing.Bus.Cursors;

namespace Bridge.Eventing.Bus.Tests.Sessions;

public sealed class CursorCodecTests
{
    private static readonly ReadCursor Read = new("orders", ImmutableSortedDictionary.CreateRange(new Dictionary<int, long> { [0] = 0, [1] = 42, [7] = long.MaxValue }));
    private static readonly WriteCursor Write = new("orders", Guid.NewGuid(), 9, ImmutableSortedDictionary.CreateRange(new Dictionary<int, long> { [0] = 5, [2] = 300 }));

    [Fact]
    public void Cursors_Round_Trip()
    {
        Assert.True(CursorCodec.TryDecode(CursorCodec.Encode(Read), out ReadCursor? read, out _));
        Assert.Equal(Read, read);
        Assert.True(CursorCodec.TryDecode(CursorCodec.Encode(Write), out WriteCursor? write, out _));
        Assert.Equal(Write, write);
    }

    [Fact]
    public void A_Read_Cursor_Is_Not_A_Write_Cursor_Nor_The_Reverse()
    {
        Assert.False(CursorCodec.TryDecode(CursorCodec.Encode(Read), out WriteCursor? _, out var error));
        Assert.Contains("read cursor", error);
        Assert.False(CursorCodec.TryDecode(CursorCodec.Encode(Write), out ReadCursor? _, out _));
    }

    [Fact]
    public void Garbage_Never_Throws_And_Every_Truncation_Is_Refused()
    {
        var payload = CursorCodec.Encode(Write);
        for (var length = 0; length < payload.Length; length++)
            Assert.False(CursorCodec.TryDecode(payload.AsSpan(0, length), out WriteCursor? _, out _));
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length > 1 && random.Next(2) == 0) (bytes[0], bytes[1]) = (1, (byte)random.Next(1, 3));
            _ = CursorCodec.TryDecode(bytes, out ReadCursor? _, out _);
            _ = CursorCodec.TryDecode(bytes, out WriteCursor? _, out _);
        }
    }
}
