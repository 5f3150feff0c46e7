using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Tests;

namespace Bridge.Eventing.Broker.Tests.Handlers;

/// <summary>Fetch on a manual clock: long polling (min_bytes, max_wait_ms), KIP-74 limits, errors that answer at once.</summary>
public class FetchHandlerTests : IDisposable
{
    private readonly BrokerState _broker = new();

    public FetchHandlerTests() => _broker.Logs.CreateTopic("t", 2);

    public void Dispose() => _broker.Dispose();

    private void Produce(int partition, byte[] batch) =>
        Assert.Equal(ErrorCode.None, _broker.Produce.Handle(BrokerState.ProduceOf("t", partition, batch))!.Responses[0].PartitionResponses[0].ErrorCode);

    [Fact]
    public async Task DataAlreadyThere_AnswersAtOnce_WithTheStoredBatch()
    {
        var batch = TestBatches.Simple(1000, count: 3);
        Produce(0, batch);
        var response = await _broker.Fetch.HandleAsync(BrokerState.FetchOf("t", 0, 0), CancellationToken.None);
        var data = response.Responses[0].Partitions[0];
        Assert.Equal((ErrorCode.None, 3L, 3L, 0L), (data.ErrorCode, data.HighWatermark, data.LastStableOffset, data.LogStartOffset));
        Assert.Equal(batch[16..], data.Records!.Value.ToArray()[16..]);
        Assert.Equal(0, response.SessionId);
    }

    [Fact]
    public async Task NothingThere_WaitsForAnAppend_ThenAnswersWithIt()
    {
        var fetch = _broker.Fetch.HandleAsync(BrokerState.FetchOf("t", 0, 0, maxWaitMs: 500), CancellationToken.None);
        Assert.False(fetch.IsCompleted);
        Produce(1, TestBatches.Simple(1000)); // another partition: not what this fetch waits for
        _broker.Clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(fetch.IsCompleted);

        Produce(0, TestBatches.Simple(1001, count: 2));
        var response = await fetch.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, response.Responses[0].Partitions[0].HighWatermark);
        Assert.False(response.Responses[0].Partitions[0].Records!.Value.IsEmpty);
    }

    [Fact]
    public async Task NothingArrives_AnswersEmptyAfterMaxWait()
    {
        var fetch = _broker.Fetch.HandleAsync(BrokerState.FetchOf("t", 0, 0, maxWaitMs: 500), CancellationToken.None);
        _broker.Clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(fetch.IsCompleted);
        _broker.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var response = await fetch.WaitAsync(TimeSpan.FromSeconds(10));
        var data = response.Responses[0].Partitions[0];
        Assert.Equal((ErrorCode.None, 0L), (data.ErrorCode, data.HighWatermark));
        Assert.True(data.Records!.Value.IsEmpty);
    }

    [Fact]
    public async Task MinBytesNotReached_KeepsWaiting_UntilEnoughArrived()
    {
        var one = TestBatches.Simple(1000, valueBytes: 100);
        var fetch = _broker.Fetch.HandleAsync(BrokerState.FetchOf("t", 0, 0, minBytes: one.Length * 2 + 1), CancellationToken.None);
        Produce(0, one);
        Produce(0, TestBatches.Simple(1001, valueBytes: 100));
        await Task.Yield();
        Assert.False(fetch.IsCompleted);
        Produce(0, TestBatches.Simple(1002, valueBytes: 100));
        var response = await fetch.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, response.Responses[0].Partitions[0].HighWatermark);
        Assert.True(response.Responses[0].Partitions[0].Records!.Value.Length > one.Length * 2);
    }

    [Fact]
    public async Task ZeroMaxWait_AnswersAtOnce()
    {
        var response = await _broker.Fetch.HandleAsync(BrokerState.FetchOf("t", 0, 0, maxWaitMs: 0), CancellationToken.None);
        Assert.True(response.Responses[0].Partitions[0].Records!.Value.IsEmpty);
    }

    [Fact]
    public async Task Cancelled_WhileWaiting_Throws()
    {
        using var cts = new CancellationTokenSource();
        var fetch = _broker.Fetch.HandleAsync(BrokerState.FetchOf("t", 0, 0, maxWaitMs: 60_000), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
    }

    [Fact]
    public async Task OffsetBeyondTheEnd_IsOffsetOutOfRange_AtOnce()
    {
        Produce(0, TestBatches.Simple(1000));
        var response = await _broker.Fetch.HandleAsync(BrokerState.FetchOf("t", 0, 5, maxWaitMs: 60_000), CancellationToken.None);
        var data = response.Responses[0].Partitions[0];
        Assert.Equal((ErrorCode.OffsetOutOfRange, 1L, 0L), (data.ErrorCode, data.HighWatermark, data.LogStartOffset));
    }

    [Fact]
    public async Task UnknownTopic_AnswersAtOnce_WithUnknownTopicOrPartition()
    {
        var response = await _broker.Fetch.HandleAsync(BrokerState.FetchOf("nope", 0, 0, maxWaitMs: 60_000), CancellationToken.None);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, response.Responses[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task IncrementalFetch_NamesASessionNeverCreated()
    {
        var request = BrokerState.FetchOf("t", 0, 0) with { SessionId = 42, SessionEpoch = 3 };
        var response = await _broker.Fetch.HandleAsync(request, CancellationToken.None);
        Assert.Equal(ErrorCode.FetchSessionIdNotFound, response.ErrorCode);
    }

    [Fact]
    public async Task FirstBatchLargerThanTheLimits_IsReturnedWhole_LaterOnesOnlyIfTheyFit()
    {
        var big = TestBatches.Simple(1000, count: 5, valueBytes: 400);
        Produce(0, big);
        Produce(1, TestBatches.Simple(1000, count: 5, valueBytes: 400));
        var request = new FetchRequest
        {
            MaxWaitMs = 0,
            MinBytes = 1,
            MaxBytes = 100,
            Topics = [new FetchRequest.FetchTopic("t", [new FetchRequest.FetchPartition(0, 0, 50), new FetchRequest.FetchPartition(1, 0, 50)])],
        };
        var response = await _broker.Fetch.HandleAsync(request, CancellationToken.None);
        Assert.Equal(big.Length, response.Responses[0].Partitions[0].Records!.Value.Length);
        Assert.True(response.Responses[0].Partitions[1].Records!.Value.IsEmpty);
        Assert.Equal(5, response.Responses[0].Partitions[1].HighWatermark);
    }

    [Fact]
    public async Task PartitionMaxBytes_StopsBeforeABatchThatDoesNotFit()
    {
        var one = TestBatches.Simple(1000, valueBytes: 100);
        Produce(0, one);
        Produce(0, TestBatches.Simple(1001, valueBytes: 100));
        var response = await _broker.Fetch.HandleAsync(BrokerState.FetchOf("t", 0, 0, partitionMaxBytes: one.Length + 10), CancellationToken.None);
        Assert.Equal(one.Length, response.Responses[0].Partitions[0].Records!.Value.Length);
    }
}
