namespace Bridge.Testing;

/// <summary>
/// Waiting for something no event announces (a file, a process's end, a real client's
/// background threads) to become true: a condition polled with a deadline, never a bare sleep.
/// </summary>
public static class Wait
{
    /// <summary>Checks <paramref name="condition"/> every 20 ms until it holds.</summary>
    /// <param name="condition">What must become true.</param>
    /// <param name="what">Named in the failure message.</param>
    /// <param name="timeout">How long to wait (default 60 s).</param>
    /// <exception cref="TimeoutException">The condition did not hold in time.</exception>
    public static async Task UntilAsync(Func<bool> condition, string? what = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what ?? "a condition"}");
            await Task.Delay(20);
        }
    }

    /// <summary>Checks the asynchronous <paramref name="condition"/> every 20 ms until it holds.</summary>
    /// <param name="condition">What must become true (a query of a running server, say).</param>
    /// <param name="what">Named in the failure message.</param>
    /// <param name="timeout">How long to wait (default 60 s).</param>
    /// <exception cref="TimeoutException">The condition did not hold in time.</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, string? what = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what ?? "a condition"}");
            await Task.Delay(20);
        }
    }
}
