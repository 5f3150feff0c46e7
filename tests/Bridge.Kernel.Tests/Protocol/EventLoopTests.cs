using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Kernel.Tests.Protocol;

public class EventLoopTests
{
    [Fact]
    public async Task RunAsync_WhileItsTaskIsPending_NothingElseRunsOnTheLoop()
    {
        var loop = new EventLoop(NullLogger.Instance);
        loop.Start();
        var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();

        var held = loop.RunAsync(async () =>
        {
            order.Add("before write");
            await write.Task;
            order.Add("after write");
            return 42;
        });
        var next = loop.Run(() => order.Add("next item"));

        // Something that must not happen can only be waited for with a bound.
        await Assert.ThrowsAsync<TimeoutException>(() => next.WaitAsync(TimeSpan.FromMilliseconds(100)));
        write.SetResult();
        Assert.Equal(42, await held);
        await next;
        Assert.Equal(["before write", "after write", "next item"], order);
        await loop.StopAsync();
    }

    [Fact]
    public async Task RunAsync_WorkThatFails_FailsItsCallerAndTheLoopGoesOn()
    {
        var loop = new EventLoop(NullLogger.Instance);
        loop.Start();

        var failed = loop.RunAsync<int>(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("write failed");
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
        Assert.Equal("write failed", error.Message);
        Assert.Equal(7, await loop.Run(() => 7));
        await loop.StopAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => loop.RunAsync(() => Task.FromResult(1)));
    }
}
