using System.Text;
using Bridge.Eventing.Broker.ClientTests.Infrastructure;
using Bridge.Eventing.Log.Records;
using Confluent.Kafka;
using TimestampType = Confluent.Kafka.TimestampType;

namespace Bridge.Eventing.Broker.ClientTests;

/// <summary>
/// Produce and Fetch through Confluent.Kafka 2.15.1 on Debian's librdkafka 2.0.2, against a
/// <see cref="KafkaBroker"/> in this process: what a producer writes, a consumer reads back byte
/// for byte, in order, once.
/// </summary>
public class ProduceConsumeTests
{
    private readonly ClientLog _log = new();

    private static Message<byte[]?, byte[]?> Record(string? key, string? value) =>
        new() { Key = key is null ? null : Encoding.UTF8.GetBytes(key), Value = value is null ? null : Encoding.UTF8.GetBytes(value) };

    private static string[] Describe(Headers? headers) =>
        headers?.Select(h => $"{h.Key}={(h.GetValueBytes() is { } v ? Convert.ToHexString(v) : "<null>")}").ToArray() ?? [];

    private static string Text(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);

    [Fact]
    public async Task ProduceConsume_ManyRecordsOnFourPartitions_EachPartitionInProduceOrderWithConsecutiveOffsets()
    {
        await using var broker = await TestBroker.StartAsync();
        string topic = Clients.TopicName("ordering");
        await Clients.CreateTopicAsync(broker.BootstrapServers, topic, 4, _log);
        const int count = 2_000;

        using var producer = Clients.Producer(broker.BootstrapServers, _log);
        var delivered = await Clients.ProduceAllAsync(producer,
            Enumerable.Range(0, count).Select(i => (new TopicPartition(topic, i % 4), Record($"k{i}", $"{i}"))));
        var consumed = Clients.ReadTopic(broker.BootstrapServers, topic, 4, count, _log);

        foreach (var partition in consumed.GroupBy(r => r.Partition.Value))
        {
            var records = partition.ToList();
            Assert.Equal(count / 4, records.Count);
            // Produce order: i = partition, partition + 4, ...; offsets 0, 1, 2, ... with no gap.
            Assert.Equal(Enumerable.Range(0, count / 4).Select(n => $"{n * 4 + partition.Key}"), records.Select(r => Text(r.Message.Value)));
            Assert.Equal(Enumerable.Range(0, count / 4).Select(n => (long)n), records.Select(r => r.Offset.Value));
        }
        // The delivery reports named the offsets the consumer found the records at.
        Assert.All(delivered, d => Assert.Equal(long.Parse(Text(d.Message.Value)) / 4, d.Offset.Value));
    }

    [Fact]
    public async Task KeysValuesAndHeaders_RoundTripExactly_IncludingNullKeyEmptyValueAndBinaryHeaders()
    {
        await using var broker = await TestBroker.StartAsync();
        string topic = Clients.TopicName("headers");
        byte[] allBytes = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var sent = new List<Message<byte[]?, byte[]?>>
        {
            Record(null, "null key"),
            Record("empty value", ""),
            Record("tombstone", null),
            new() { Key = allBytes, Value = allBytes.Reverse().ToArray() },
            new()
            {
                Key = Encoding.UTF8.GetBytes("headers"), Value = Encoding.UTF8.GetBytes("ü€𝄞"),
                Headers = new Headers
                {
                    { "binary", allBytes },
                    { "empty", [] },
                    { "null", null },
                    { "repeated", [1] },
                    { "repeated", [2] },
                    { "ключ", Encoding.UTF8.GetBytes("значение") },
                },
            },
            new() { Key = [0], Value = [0], Timestamp = new Timestamp(1_700_000_000_123, TimestampType.CreateTime) },
        };

        using var producer = Clients.Producer(broker.BootstrapServers, _log);
        await Clients.ProduceAllAsync(producer, sent.Select(m => (new TopicPartition(topic, 0), m)));
        var consumed = Clients.ReadTopic(broker.BootstrapServers, topic, 1, sent.Count, _log);

        for (int i = 0; i < sent.Count; i++)
        {
            var expected = sent[i];
            var actual = consumed[i].Message;
            Assert.Equal(expected.Key, actual.Key);
            Assert.Equal(expected.Value, actual.Value);
            Assert.Equal(Describe(expected.Headers), Describe(actual.Headers));
        }
        Assert.Equal(1_700_000_000_123, consumed[^1].Message.Timestamp.UnixTimestampMs);
        Assert.Equal(TimestampType.CreateTime, consumed[^1].Message.Timestamp.Type);
    }

    // librdkafka 2.0.2 compresses with gzip, snappy and lz4 only if the broker's Produce range
    // overlaps v0..v0 (rd_kafka_msgset_writer_select_MsgVersion); otherwise it logs "Broker does
    // not support compression type gzip: not compressing batch" and sends them uncompressed. This
    // test caught the broker advertising Produce from v3; like Kafka 4.0 (librdkafka issue 4956,
    // KAFKA-18659) it now advertises v0-v8 and still refuses v0-v2.
    [Theory]
    [InlineData(CompressionType.None, CompressionCodec.None)]
    [InlineData(CompressionType.Gzip, CompressionCodec.Gzip)]
    [InlineData(CompressionType.Snappy, CompressionCodec.Snappy)]
    [InlineData(CompressionType.Lz4, CompressionCodec.Lz4)]
    [InlineData(CompressionType.Zstd, CompressionCodec.Zstd)]
    public async Task Compression_EveryCodecLibrdkafkaHas_StoredCompressedAndReadBackExactly(CompressionType compression, CompressionCodec stored)
    {
        await using var broker = await TestBroker.StartAsync();
        string topic = Clients.TopicName("compression");
        var random = new Random(42);
        var values = Enumerable.Range(0, 300).Select(i =>
        {
            // Half text, half random binary from a four-byte alphabet, 1 to 8 KiB: every batch
            // must compress, because librdkafka sends a batch uncompressed when the codec does not
            // make it smaller (a lone record of random bytes, or a tiny one, would be stored
            // uncompressed and make this test depend on how records happened to be batched).
            var value = new byte[random.Next(1_024, 8_192)];
            if (i % 2 == 0)
                for (var j = 0; j < value.Length; j++) value[j] = (byte)random.Next(4);
            else Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"record {i} ", value.Length / 9 + 1)), 0, value.Length, value, 0);
            return value;
        }).ToList();

        using (var producer = Clients.Producer(broker.BootstrapServers, _log, c => { c.CompressionType = compression; c.LingerMs = 50; }))
            await Clients.ProduceAllAsync(producer, values.Select((v, i) => (new TopicPartition(topic, 0), new Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(i), Value = v })));
        var consumed = Clients.ReadTopic(broker.BootstrapServers, topic, 1, values.Count, _log);

        Assert.Equal(values, consumed.Select(r => r.Message.Value));
        Assert.Equal(Enumerable.Range(0, values.Count).Select(BitConverter.GetBytes), consumed.Select(r => r.Message.Key));
        // The log holds the producer's batches as sent: compressed with the codec asked for.
        var codecs = StoredBatches(broker, topic).Select(h => h.Compression).Distinct();
        Assert.Equal([stored], codecs);
    }

    [Fact]
    public async Task Producer_WithIdempotenceExplicitlyDisabled_SendsNoProducerIdAndRecordsArrive()
    {
        await using var broker = await TestBroker.StartAsync();
        string topic = Clients.TopicName("no-idempotence");

        using (var producer = Clients.Producer(broker.BootstrapServers, _log, c => c.EnableIdempotence = false))
        {
            var result = await producer.ProduceAsync(topic, Record("k", "v"));
            Assert.Equal(PersistenceStatus.Persisted, result.Status);
            Assert.Equal(0, result.Offset.Value);
        }
        var consumed = Clients.ReadTopic(broker.BootstrapServers, topic, 1, 1, _log);

        Assert.Equal("v", Text(consumed.Single().Message.Value));
        var batch = StoredBatches(broker, topic).Single();
        Assert.Equal(-1, batch.ProducerId);
        Assert.Equal(-1, batch.BaseSequence);
    }

    [Fact]
    public async Task LargeRecord_900KiB_BelowMaxMessageBytes_RoundTrips()
    {
        await using var broker = await TestBroker.StartAsync();
        string topic = Clients.TopicName("large");
        var value = new byte[900 * 1024];
        new Random(9).NextBytes(value);

        using (var producer = Clients.Producer(broker.BootstrapServers, _log, c => c.MessageMaxBytes = 1_048_588))
        {
            await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = [1], Value = value });
            await producer.ProduceAsync(topic, Record("after", "small"));
        }
        var consumed = Clients.ReadTopic(broker.BootstrapServers, topic, 1, 2, _log, c =>
        {
            c.MaxPartitionFetchBytes = 1_048_576;
            c.FetchMaxBytes = 4 * 1_048_576;
        });

        Assert.Equal(value, consumed[0].Message.Value);
        Assert.Equal("small", Text(consumed[1].Message.Value));
    }

    [Fact]
    public async Task Record_LargerThanMaxMessageBytes_IsRefusedWithMessageTooLarge()
    {
        await using var broker = await TestBroker.StartAsync();
        string topic = Clients.TopicName("too-large");
        var value = new byte[1_100_000];
        new Random(10).NextBytes(value);

        using var producer = Clients.Producer(broker.BootstrapServers, _log, c => { c.MessageMaxBytes = 2_000_000; c.MessageSendMaxRetries = 0; });
        var error = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() =>
            producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = value }));

        Assert.Equal(ErrorCode.MsgSizeTooLarge, error.Error.Code);
        // The topic still works, and holds only what was accepted.
        await producer.ProduceAsync(topic, Record("ok", "ok"));
        Assert.Equal("ok", Text(Clients.ReadTopic(broker.BootstrapServers, topic, 1, 1, _log).Single().Message.Value));
    }

    [Fact]
    public async Task TenThousandRecords_OnEightPartitions_ConsumedExactlyOnce_EachKeyOnOnePartition()
    {
        await using var broker = await TestBroker.StartAsync();
        string topic = Clients.TopicName("ten-thousand");
        await Clients.CreateTopicAsync(broker.BootstrapServers, topic, 8, _log);
        const int count = 10_000;

        using (var producer = Clients.Producer(broker.BootstrapServers, _log))
            await Clients.ProduceAllAsync(producer, Enumerable.Range(0, count).Select(i => (new TopicPartition(topic, Partition.Any), Record($"key-{i % 97}", $"{i}"))));
        var consumed = Clients.ReadTopic(broker.BootstrapServers, topic, 8, count, _log);

        Assert.Equal(Enumerable.Range(0, count), consumed.Select(r => int.Parse(Text(r.Message.Value))).Order());
        var partitionsPerKey = consumed.GroupBy(r => Text(r.Message.Key)).ToDictionary(g => g.Key, g => g.Select(r => r.Partition.Value).Distinct().Count());
        Assert.Equal(97, partitionsPerKey.Count);
        Assert.All(partitionsPerKey, kv => Assert.Equal(1, kv.Value));
        // The partitioner spread 97 keys over all 8 partitions, and each partition kept produce order.
        Assert.Equal(8, consumed.Select(r => r.Partition.Value).Distinct().Count());
        Assert.All(consumed.GroupBy(r => r.Partition.Value), p =>
        {
            var ids = p.Select(r => int.Parse(Text(r.Message.Value))).ToList();
            Assert.Equal(ids.Order(), ids);
        });
    }

    /// <summary>The headers of the batches the broker stored for partition 0 of <paramref name="topic"/>.</summary>
    internal static List<RecordBatchHeader> StoredBatches(TestBroker broker, string topic)
    {
        var log = broker.Broker.Logs.GetLog(topic, 0) ?? throw new InvalidOperationException($"no log for {topic}-0");
        var read = log.Read(log.LogStartOffset, int.MaxValue);
        var headers = new List<RecordBatchHeader>();
        for (var bytes = read.Records; !bytes.IsEmpty;)
        {
            Assert.Equal(RecordBatchError.None, RecordBatchHeader.TryParse(bytes.Span, out var header));
            headers.Add(header);
            bytes = bytes[header.SizeInBytes..];
        }
        return headers;
    }
}
