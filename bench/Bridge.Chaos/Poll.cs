using System.Diagnostics;

namespace Bridge.Chaos;

/// <summary>How the chaos runs wait for the system: ask again and again, on the wall clock, until an answer will do.</summary>
public static class Poll
{
    /// <summary>Calls <paramref name="ask"/> every <paramref name="interval"/> until it says it is done; returns the value it gave then.</summary>
    /// <exception cref="TimeoutException">Not done within <paramref name="timeout"/>; the message says what was awaited (<paramref name="what"/>, read then).</exception>
    public static async Task<T> UntilAsync<T>(Func<Task<(bool Done, T Value)>> ask, TimeSpan interval, TimeSpan timeout, Func<string> what, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            var (done, value) = await ask();
            if (done) return value;
            await Task.Delay(interval, cancellationToken);
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what()}");
    }
}
