using System.Text;

namespace Bridge.Eventing.Security.Tests;

public class TokenSealerTests
{
    private static readonly KeyFile Keys = KeyFile.Parse(TestKeys.TwoKeys);

    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("session=42;partition=3;offset=1234567");

    [Fact]
    public void SealOpen_RoundTrips_WithTheDocumentedLayout()
    {
        var sealer = new TokenSealer(Keys, "cursor");
        var token = sealer.Seal(Payload);
        Assert.Equal(2 + 2 + Payload.Length + 32, token.Length);
        Assert.Equal([1, 2, (byte)'k', (byte)'2'], token[..4]);
        Assert.Equal(Payload, token[4..^32]);
        Assert.True(sealer.TryOpen(token, out var payload, out var error));
        Assert.Null(error);
        Assert.Equal(Payload, payload);
    }

    [Fact]
    public void SealOpen_EmptyPayload_RoundTrips()
    {
        var sealer = new TokenSealer(Keys);
        Assert.True(sealer.TryOpen(sealer.Seal([]), out var payload, out _));
        Assert.Empty(payload);
    }

    [Fact]
    public void TryOpen_AnyBitFlipped_IsRefused()
    {
        var sealer = new TokenSealer(Keys, "cursor");
        var token = sealer.Seal(Payload);
        for (var i = 0; i < token.Length; i++)
        for (var bit = 0; bit < 8; bit++)
        {
            var tampered = (byte[])token.Clone();
            tampered[i] ^= (byte)(1 << bit);
            Assert.False(sealer.TryOpen(tampered, out var payload, out var error), $"byte {i} bit {bit}");
            Assert.Null(payload);
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    [Fact]
    public void TryOpen_EveryTruncationAndExtension_IsRefused()
    {
        var sealer = new TokenSealer(Keys);
        var token = sealer.Seal(Payload);
        for (var length = 0; length < token.Length; length++)
            Assert.False(sealer.TryOpen(token.AsSpan(0, length), out _, out _), $"length {length}");
        Assert.False(sealer.TryOpen([.. token, 0], out _, out _));
    }

    [Fact]
    public void TryOpen_RandomGarbage_NeverThrowsNeverOpens()
    {
        var sealer = new TokenSealer(Keys);
        var random = new Random(20260101);
        for (var i = 0; i < 5_000; i++)
        {
            var garbage = new byte[random.Next(0, 200)];
            random.NextBytes(garbage);
            if (i % 3 == 0 && garbage.Length > 4) (garbage[0], garbage[1], garbage[2], garbage[3]) = (1, 2, (byte)'k', (byte)'2');
            Assert.False(sealer.TryOpen(garbage, out _, out var error));
            Assert.NotNull(error);
        }
    }

    [Theory]
    [InlineData(new byte[] { 2, 2, (byte)'k', (byte)'2' }, "unknown token version 2")]
    [InlineData(new byte[] { 1, 0, (byte)'k', (byte)'2' }, "key id length 0 is outside 1-64")]
    [InlineData(new byte[] { 1, 65, (byte)'k', (byte)'2' }, "key id length 65 is outside 1-64")]
    [InlineData(new byte[] { 1, 60, (byte)'k', (byte)'2' }, "token too short for its key id and MAC")]
    [InlineData(new byte[] { 1, 2, (byte)'k', (byte)'9' }, "token sealed with a key this server does not have")]
    [InlineData(new byte[] { 1, 2, (byte)'k', (byte)'2' }, "token MAC does not match")]
    public void TryOpen_EachProblem_HasItsOwnMessage(byte[] head, string message)
    {
        var sealer = new TokenSealer(Keys);
        var token = sealer.Seal(Payload);
        head.CopyTo(token, 0);
        token[^1] ^= 1;
        Assert.False(sealer.TryOpen(token, out _, out var error));
        Assert.StartsWith(message, error);
    }

    [Fact]
    public void TryOpen_TooShort_SaysSo()
    {
        Assert.False(new TokenSealer(Keys).TryOpen(new byte[34], out _, out var error));
        Assert.Equal("token too short (34 bytes)", error);
    }

    [Fact]
    public void TryOpen_OtherPurpose_IsRefused()
    {
        var token = new TokenSealer(Keys, "cursor").Seal(Payload);
        Assert.False(new TokenSealer(Keys, "session").TryOpen(token, out _, out var error));
        Assert.Contains("MAC does not match", error);
        Assert.False(new TokenSealer(Keys).TryOpen(token, out _, out _));
    }

    [Fact]
    public void Rotation_OldTokensOpen_NewTokensUseTheNewKey()
    {
        var before = new TokenSealer(KeyFile.Parse($"k1 {TestKeys.Base64(0)}"), "cursor");
        var oldToken = before.Seal(Payload);
        var after = new TokenSealer(KeyFile.Parse($"k1 {TestKeys.Base64(0)}\nk2 {TestKeys.Base64(100, 64)}"), "cursor");
        Assert.Equal("k2", after.ActiveKeyId);
        Assert.True(after.TryOpen(oldToken, out var payload, out _));
        Assert.Equal(Payload, payload);
        var newToken = after.Seal(Payload);
        Assert.Equal((byte)'2', newToken[3]);
        Assert.False(before.TryOpen(newToken, out _, out _));
    }

    [Fact]
    public void Constructor_SecretShorterThan32Bytes_NamesTheLine()
    {
        var e = Assert.Throws<KeyFileException>(() => new TokenSealer(KeyFile.Parse($"k1 {TestKeys.Base64(0)}\nk2 {TestKeys.Base64(0, 31)}")));
        Assert.Equal(2, e.LineNumber);
        Assert.Contains("at least 32 bytes", e.Message);
    }
}
