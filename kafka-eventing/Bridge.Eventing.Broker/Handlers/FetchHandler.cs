using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Storage;
using Bridge.Eventing.Log.Topics;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Broker.Handlers;

/// <summary>
/// Fetch (Kafka protocol, Fetch v4–v11): stored batches, byte for byte, from each requested
/// partition. Long polling as Kafka's delayed fetch: when fewer than <c>min_bytes</c> are there,
/// the answer waits up to <c>max_wait_ms</c> for appends, answering as soon as enough arrived or
/// a partition has an error. Limits per KIP-74: <c>partition_max_bytes</c> per partition and
/// <c>max_bytes</c> for the whole answer, except that the first batch of the first non-empty
/// partition is returned whole even when larger, so a consumer always makes progress.
/// Sessionless (KIP-227): every answer carries session id 0, so clients send full fetches.
/// </summary>
internal sealed class FetchHandler(LogManager logs, AppendSignal appended, TimeProvider time, ILogger logger)
{
    /// <summary>Answers once min_bytes are available, a partition has an error, max_wait_ms passed, or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="OperationCanceledException">The connection or the broker closed while waiting.</exception>
    public async Task<FetchResponse> HandleAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        // An incremental fetch (epoch > 0) names a session this broker never created (KIP-227).
        if (request.SessionEpoch > 0)
            return new FetchResponse { ErrorCode = ErrorCode.FetchSessionIdNotFound, SessionId = 0 };
        var started = time.GetTimestamp();
        var maxWait = TimeSpan.FromMilliseconds(Math.Max(0, request.MaxWaitMs));
        while (true)
        {
            var next = appended.Next;
            var (response, bytes, failed) = Read(request);
            var remaining = maxWait - time.GetElapsedTime(started);
            if (bytes >= request.MinBytes || failed || remaining <= TimeSpan.Zero) return response;
            try
            {
                await next.WaitAsync(remaining, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return Read(request).Response;
            }
        }
    }

    private (FetchResponse Response, long Bytes, bool Failed) Read(FetchRequest request)
    {
        long total = 0;
        var failed = false;
        var budget = (long)request.MaxBytes;
        var topics = new List<FetchResponse.TopicResponse>(request.Topics.Count);
        foreach (var topic in request.Topics)
        {
            var partitions = new List<FetchResponse.PartitionData>(topic.Partitions.Count);
            foreach (var partition in topic.Partitions)
            {
                var data = ReadPartition(topic.Topic, partition, budget - total, firstData: total == 0, request.IsolationLevel);
                failed |= data.ErrorCode != ErrorCode.None;
                total += data.Records?.Length ?? 0;
                partitions.Add(data);
            }
            topics.Add(new FetchResponse.TopicResponse(topic.Topic, partitions));
        }
        return (new FetchResponse { SessionId = 0, Responses = topics }, total, failed);
    }

    private FetchResponse.PartitionData ReadPartition(string topic, FetchRequest.FetchPartition partition, long budget, bool firstData, sbyte isolation)
    {
        var log = logs.GetLog(topic, partition.Partition);
        if (log is null) return Failed(partition.Partition, ErrorCode.UnknownTopicOrPartition);
        try
        {
            var limit = (int)Math.Min(partition.PartitionMaxBytes, budget);
            if (limit <= 0 && !firstData)
                return Data(partition.Partition, log.LogEndOffset, log.LogStartOffset, ReadOnlyMemory<byte>.Empty, isolation);
            var read = log.Read(partition.FetchOffset, Math.Max(limit, 1));
            if (read.Status == ReadStatus.OffsetOutOfRange)
                return Failed(partition.Partition, ErrorCode.OffsetOutOfRange, read.HighWatermark, read.LogStartOffset);
            // Only the first batch of the whole answer may exceed the limits (KIP-74).
            var records = !firstData && read.Records.Length > limit ? ReadOnlyMemory<byte>.Empty : read.Records;
            return Data(partition.Partition, read.HighWatermark, read.LogStartOffset, records, isolation);
        }
        catch (Exception e) when (PartitionErrors.For(e) is { } code)
        {
            if (code == ErrorCode.KafkaStorageError) logger.LogError(e, "Read of {Topic}-{Partition} failed", topic, partition.Partition);
            return Failed(partition.Partition, code);
        }
    }

    private static FetchResponse.PartitionData Data(int index, long highWatermark, long logStart, ReadOnlyMemory<byte> records, sbyte isolation) =>
        new(index, ErrorCode.None, highWatermark, records)
        {
            // One replica and no transactions: everything up to the high watermark is stable.
            LastStableOffset = highWatermark,
            LogStartOffset = logStart,
            AbortedTransactions = isolation == 1 ? [] : null,
        };

    private static FetchResponse.PartitionData Failed(int index, ErrorCode code, long highWatermark = -1, long logStart = -1) =>
        new(index, code, highWatermark, ReadOnlyMemory<byte>.Empty) { LastStableOffset = highWatermark, LogStartOffset = logStart };
}
