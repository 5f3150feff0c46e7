namespace Bridge.Eventing.Security.Tests;

/// <summary>Deterministic key material for tests (never random: failures must reproduce).</summary>
internal static class TestKeys
{
    /// <summary><paramref name="length"/> bytes counting up from <paramref name="start"/>.</summary>
    public static byte[] Bytes(int start, int length = 32) => Enumerable.Range(start, length).Select(i => (byte)i).ToArray();

    public static string Base64(int start, int length = 32) => Convert.ToBase64String(Bytes(start, length));

    /// <summary>A key file text with ids k1, k2 (32-byte keys), k2 active by position.</summary>
    public static string TwoKeys => $"k1 {Base64(0)}\nk2 {Base64(100)}\n";
}
