using System.Threading.Channels;
using Bridge.Eventing.Avro.Generic;

namespace Bridge.Eventing.KernelEvents.Tests.Source;

/// <summary>Reads a <see cref="KernelEventSource"/> in the background into a channel the test awaits;
/// disposed, it cancels the read and waits for it to end.</summary>
internal sealed class EventPump : IAsyncDisposable
{
    private readonly Channel<KernelEvent> _events = Channel.CreateUnbounded<KernelEvent>();
    private readonly CancellationTokenSource _stop = new();

    public EventPump(KernelEventSource source) => Completion = RunAsync(source);

    /// <summary>Ends when the source throws (or is cancelled by <see cref="DisposeAsync"/>).</summary>
    public Task Completion { get; }

    private async Task RunAsync(KernelEventSource source)
    {
        try
        {
            await foreach (var e in source.ReadAllAsync(_stop.Token)) _events.Writer.TryWrite(e);
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    /// <summary>The next record matching <paramref name="match"/>, skipping others (60 s at most).</summary>
    public async Task<KernelEvent> NextAsync(Func<KernelEvent, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in _events.Reader.ReadAllAsync(timeout.Token))
            if (match(e)) return e;
        await Completion; // the source failed: its exception
        throw new InvalidOperationException("the source ended");
    }

    /// <summary>The next agent record about <paramref name="agentId"/> with <paramref name="eventType"/>.</summary>
    public Task<KernelEvent> NextAgentAsync(string agentId, string eventType) =>
        NextAsync(e => e.Topic == KernelEventTopics.Agents && e.Key == agentId && Symbol(e, "event_type") == eventType);

    public static string Symbol(KernelEvent e, string field) => ((GenericEnum)e.Value[field]!).Symbol;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await Completion;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
