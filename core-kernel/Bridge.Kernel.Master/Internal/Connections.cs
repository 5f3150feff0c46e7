using System.Threading.Channels;
using Bridge.Kernel.V1.Agent;
using SchedulerEvent = Bridge.Kernel.V1.Scheduler.Event;

namespace Bridge.Kernel.Master.Internal;

/// <summary>
/// A framework's open Subscribe stream: events queue here and the gRPC handler writes them out.
/// Unbounded, as libprocess' queues are in Mesos: a slow framework costs memory, never blocks the loop.
/// </summary>
internal sealed class FrameworkConnection(string streamId)
{
    private readonly Channel<SchedulerEvent> _events = Channel.CreateUnbounded<SchedulerEvent>(new UnboundedChannelOptions { SingleReader = true });

    public string StreamId { get; } = streamId;

    public FrameworkId FrameworkId { get; set; }

    public ChannelReader<SchedulerEvent> Events => _events.Reader;

    public bool IsClosed { get; private set; }

    public void Send(SchedulerEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Ends the stream after <paramref name="last"/> (an ERROR, say).</summary>
    public void Close(SchedulerEvent? last = null)
    {
        if (last is not null) _events.Writer.TryWrite(last);
        IsClosed = true;
        _events.Writer.TryComplete();
    }
}

/// <summary>An agent's open Connect stream, master to agent direction.</summary>
internal sealed class AgentConnection
{
    private static long _next;
    private readonly Channel<MasterMessage> _out = Channel.CreateUnbounded<MasterMessage>(new UnboundedChannelOptions { SingleReader = true });

    public long Id { get; } = Interlocked.Increment(ref _next);

    public ChannelReader<MasterMessage> Messages => _out.Reader;

    public bool IsClosed { get; private set; }

    public void Send(MasterMessage m) => _out.Writer.TryWrite(m);

    public void Close()
    {
        IsClosed = true;
        _out.Writer.TryComplete();
    }
}
