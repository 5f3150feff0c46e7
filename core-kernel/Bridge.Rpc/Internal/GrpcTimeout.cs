using System.Globalization;

namespace Bridge.Rpc.Internal;

/// <summary>
/// The <c>grpc-timeout</c> header: <c>TimeoutValue TimeoutUnit</c>, a positive integer of at
/// most 8 ASCII digits followed by H (hours), M (minutes), S (seconds), m (milliseconds),
/// u (microseconds) or n (nanoseconds). Source: PROTOCOL-HTTP2.md, "Timeout".
/// </summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>
    /// The longest due time a timer accepts (2^32-2 ms, about 49.7 days). A longer timeout
    /// (the grammar allows 99,999,999 hours) is treated as no deadline at all, which is what
    /// it means in practice.
    /// </summary>
    public static readonly TimeSpan MaxTimerDueTime = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Parses a header value. Returns false for anything not exactly of the grammar
    /// (empty, more than 8 digits, a sign, spaces, an unknown unit).
    /// </summary>
    public static bool TryParse(string? text, out TimeSpan timeout)
    {
        timeout = default;
        if (text is null || text.Length < 2 || text.Length > 9) return false;
        var digits = text.AsSpan(0, text.Length - 1);
        foreach (var c in digits)
            if (c is < '0' or > '9') return false;
        var value = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        // TimeSpan has 100 ns ticks; nanoseconds round up so a tiny timeout
        // is never read as "no time at all" unless it was 0.
        long ticks = text[^1] switch
        {
            'H' => value * TimeSpan.TicksPerHour,
            'M' => value * TimeSpan.TicksPerMinute,
            'S' => value * TimeSpan.TicksPerSecond,
            'm' => value * TimeSpan.TicksPerMillisecond,
            'u' => value * 10,
            'n' => (value + 99) / 100,
            _ => -1,
        };
        if (ticks < 0) return false;
        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>
    /// Formats <paramref name="timeout"/> in the finest unit whose value fits 8 digits, rounding
    /// up so the server never sees a shorter deadline than the client's. Negative is sent as 0n.
    /// </summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) return "0n";
        long ticks = timeout.Ticks;
        if (ticks <= MaxValue / 100) return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        if (ticks <= MaxValue * 10) return CeilDiv(ticks, 10) + "u";
        if (ticks <= MaxValue * TimeSpan.TicksPerMillisecond) return CeilDiv(ticks, TimeSpan.TicksPerMillisecond) + "m";
        if (ticks <= MaxValue * TimeSpan.TicksPerSecond) return CeilDiv(ticks, TimeSpan.TicksPerSecond) + "S";
        if (ticks <= MaxValue * TimeSpan.TicksPerMinute) return CeilDiv(ticks, TimeSpan.TicksPerMinute) + "M";
        return Math.Min((ticks + TimeSpan.TicksPerHour - 1) / TimeSpan.TicksPerHour, MaxValue).ToString(CultureInfo.InvariantCulture) + "H";
    }

    private static string CeilDiv(long a, long b) => ((a + b - 1) / b).ToString(CultureInfo.InvariantCulture);
}
