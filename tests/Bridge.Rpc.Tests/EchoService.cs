using System.Collections.Concurrent;
using Bridge.Rpc.Tests.Echo;
using Google.Protobuf;

namespace Bridge.Rpc.Tests;

/// <summary>The C# implementation of bridge.testing.Echo (tests/interop/echo.proto), matching echo_server.py.</summary>
public sealed class EchoService : ServiceBase
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _cancelled = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxDelay;

    /// <param name="time">Clock for delays and deadlines (default: system).</param>
    /// <param name="maxDelay">Caps delay_ms (default: none), so fuzzed requests cannot stall the server.</param>
    public EchoService(TimeProvider? time = null, TimeSpan? maxDelay = null) : base(EchoReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("Echo"))
    {
        _time = time ?? TimeProvider.System;
        _maxDelay = maxDelay ?? TimeSpan.MaxValue;
    }

    public async Task<EchoReply> Unary(EchoRequest request, ServerCallContext context)
    {
        await StartAsync(request, context);
        if (request.Cancel)
        {
            context.Cancel();
            return new EchoReply();
        }
        ThrowIfStatus(request);
        return Reply(request, context);
    }

    public async Task ServerStream(EchoRequest request, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        await StartAsync(request, context);
        for (var i = 0; i < request.ResponseCount; i++)
        {
            var reply = Reply(request, context);
            reply.Index = i;
            await responses.WriteAsync(reply);
        }
        if (request.Cancel)
        {
            context.Cancel();
            return;
        }
        ThrowIfStatus(request);
    }

    public async Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requests, ServerCallContext context)
    {
        await EchoMetadata(context);
        var messages = new List<string>();
        long bytes = 0;
        EchoRequest? last = null;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            messages.Add(request.Message);
            bytes += request.Payload.Length;
            last = request;
        }
        if (last is not null) ThrowIfStatus(last);
        return new EchoReply { Received = messages.Count, Message = string.Join(",", messages), PayloadBytes = bytes };
    }

    public async Task Duplex(IAsyncStreamReader<EchoRequest> requests, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        await EchoMetadata(context);
        var index = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            ThrowIfStatus(request);
            var reply = Reply(request, context);
            reply.Index = index++;
            await responses.WriteAsync(reply);
        }
    }

    public async Task<EchoReply> WaitForCancel(EchoRequest request, ServerCallContext context)
    {
        var seen = Signal(_cancelled, request.Message);
        await EchoMetadata(context);
        Signal(_started, request.Message).TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            seen.TrySetResult();
            throw;
        }
        return new EchoReply();
    }

    public async Task<EchoReply> WasStarted(EchoRequest request, ServerCallContext context)
    {
        var seen = Signal(_started, request.Message);
        var yes = await Task.WhenAny(seen.Task, Task.Delay(TimeSpan.FromMilliseconds(request.DelayMs), _time, context.CancellationToken)) == seen.Task;
        return new EchoReply { Message = yes ? "yes" : "no" };
    }

    public async Task<EchoReply> WasCancelled(EchoRequest request, ServerCallContext context)
    {
        var seen = Signal(_cancelled, request.Message);
        var yes = await Task.WhenAny(seen.Task, Task.Delay(TimeSpan.FromMilliseconds(request.DelayMs), _time, context.CancellationToken)) == seen.Task;
        return new EchoReply { Message = yes ? "yes" : "no" };
    }

    /// <summary>True once a WaitForCancel call tagged <paramref name="tag"/> saw its cancellation.</summary>
    public Task WaitCancelledAsync(string tag) => Signal(_cancelled, tag).Task;

    /// <summary>Completes once the handler of a WaitForCancel call tagged <paramref name="tag"/> runs.</summary>
    public Task WaitStartedAsync(string tag) => Signal(_started, tag).Task;

    private static TaskCompletionSource Signal(ConcurrentDictionary<string, TaskCompletionSource> signals, string tag) =>
        signals.GetOrAdd(tag, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task StartAsync(EchoRequest request, ServerCallContext context)
    {
        await EchoMetadata(context);
        var delay = TimeSpan.FromMilliseconds(request.DelayMs);
        if (delay > _maxDelay) delay = _maxDelay;
        if (delay > TimeSpan.Zero)
            await Task.Delay(delay, _time, context.CancellationToken);
    }

    private EchoReply Reply(EchoRequest request, ServerCallContext context) => new()
    {
        Message = request.Message,
        Payload = request.ResponseSize > 0
            ? ByteString.CopyFrom(Enumerable.Repeat((byte)'x', request.ResponseSize).ToArray())
            : request.Payload,
        DeadlineRemainingMs = context.Deadline == DateTime.MaxValue
            ? -1
            : (long)(context.Deadline - _time.GetUtcNow().UtcDateTime).TotalMilliseconds,
    };

    private static void ThrowIfStatus(EchoRequest request)
    {
        if (request.ResponseStatus is { Code: not 0 } s)
            throw new RpcException(new Status(s.Code is > 0 and <= 16 ? (StatusCode)s.Code : StatusCode.Unknown, s.Message));
    }

    private static async Task EchoMetadata(ServerCallContext context)
    {
        var initial = new Metadata();
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("x-echo-initial", StringComparison.Ordinal)) initial.Add(entry);
            else if (entry.Key.StartsWith("x-echo-trailing", StringComparison.Ordinal)) context.ResponseTrailers.Add(entry);
        }
        if (initial.Count > 0) await context.WriteResponseHeadersAsync(initial);
    }
}
