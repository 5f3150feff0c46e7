namespace Bridge.Eventing.Broker;

/// <summary>
/// Wakes long-polling fetches when records are appended. A fetch takes <see cref="Next"/> before
/// it reads the logs, so an append that lands between its read and its wait is never missed.
/// One signal per broker: an append wakes every waiting fetch, which re-reads only its own
/// partitions (cheap on a single node; Kafka keys its delayed-fetch purgatory by partition).
/// </summary>
internal sealed class AppendSignal
{
    private TaskCompletionSource _next = New();

    /// <summary>Completes at the next <see cref="Notify"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Records were appended: completes the current <see cref="Next"/> and arms a new one.</summary>
    public void Notify() => Interlocked.Exchange(ref _next, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
