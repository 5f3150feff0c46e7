using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Bridge.Kernel;

/// <summary>
/// The single-writer loop the master and each agent are built on: work items posted from any
/// thread run one at a time on one reader, so the state they touch needs no locks. A work item
/// that throws is logged and the loop goes on. After each batch of queued work the optional
/// <c>afterBatch</c> runs (the master allocates there). A work item that must wait for I/O
/// before its effects may be seen (the master's registry writes) goes through
/// <see cref="RunAsync{T}"/>, which holds the loop until it is done.
/// </summary>
public sealed class EventLoop
{
    private readonly Channel<Action> _inbox = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Action? _afterBatch;
    private Task _run = Task.CompletedTask;
    private Task? _holding;

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

    /// <summary>
    /// Runs <paramref name="work"/> on the loop and holds the loop until the task it returns
    /// completes: nothing else runs in between, so the work sees and changes the state as if it
    /// were synchronous, even across its awaits (which continue on the thread pool while the
    /// loop waits). For work that must wait for I/O, such as a durable write, before it changes
    /// state; it delays everything queued behind it, so keep it short.
    /// </summary>
    /// <returns>The work's result or its exception (<see cref="ObjectDisposedException"/> once the loop is stopped).</returns>
    public Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _inbox.Writer.TryWrite(() =>
        {
            Task<T> task;
            try
            {
                task = work();
            }
            catch (Exception e)
            {
                done.SetException(e);
                return;
            }
            if (task.IsCompleted) Complete(task, done);
            else _holding = task.ContinueWith(t => Complete(t, done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        });
        if (!queued) done.SetException(new ObjectDisposedException(nameof(EventLoop)));
        return done.Task;
    }

    private static void Complete<T>(Task<T> task, TaskCompletionSource<T> done)
    {
        if (task.IsCompletedSuccessfully) done.SetResult(task.Result);
        else if (task.IsCanceled) done.SetCanceled();
        else done.SetException(task.Exception!.InnerExceptions);
    }

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
            while (_inbox.Reader.TryRead(out var work))
            {
                Invoke(work);
                if (_holding is { } holding)
                {
                    _holding = null;
                    await holding; // never faults: the outcome went to the caller
                }
            }
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
