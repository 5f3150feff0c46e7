using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Bridge.Kernel;

/// <summary>
/// The single-writer loop the master and each agent are built on: work items posted from any
/// thread run one at a time on one reader, so the state they touch needs no locks. A work item
/// that throws is logged and the loop goes on. After each batch of queued work the optional
/// <c>afterBatch</c> runs (the master allocates there).
/// </summary>
public sealed class EventLoop
{
    private readonly Channel<Action> _inbox = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Action? _afterBatch;
    private Task _run = Task.CompletedTask;

    /// <summary>A loop that logs failures to <paramref name="logger"/>; call <see cref="Start"/> to run it.</summary>
    public EventLoop(ILogger logger, Action? afterBatch = null)
    {
        _logger = logger;
        _afterBatch = afterBatch;
    }

    /// <summary>Starts reading work on the thread pool.</summary>
    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>Queues <paramref name="work"/>; dropped once the loop is stopped.</summary>
    public void Post(Action work) => _inbox.Writer.TryWrite(work);

    /// <summary>Runs <paramref name="work"/> on the loop and returns its result or its exception
    /// (<see cref="ObjectDisposedException"/> once the loop is stopped).</summary>
    public Task<T> Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _inbox.Writer.TryWrite(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        if (!queued) done.SetException(new ObjectDisposedException(nameof(EventLoop)));
        return done.Task;
    }

    /// <summary>Runs <paramref name="work"/> on the loop.</summary>
    public Task Run(Action work) => Run(() =>
    {
        work();
        return true;
    });

    /// <summary>Lets queued work finish, then ends the loop.</summary>
    public Task StopAsync()
    {
        _inbox.Writer.TryComplete();
        return _run;
    }

    private async Task RunAsync()
    {
        while (await _inbox.Reader.WaitToReadAsync())
        {
            while (_inbox.Reader.TryRead(out var work)) Invoke(work);
            if (_afterBatch is { } after) Invoke(after);
        }
    }

    private void Invoke(Action work)
    {
        try
        {
            work();
        }
        catch (Exception e)
        {
            // A bug in one handler must not stop the loop: log it and carry on.
            _logger.LogError(e, "Event loop: unhandled error");
        }
    }
}
