using System.Buffers.Binary;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Storage;
using Bridge.Eventing.Log.Tests;

namespace Bridge.Eventing.Broker.Tests.Handlers;

/// <summary>Produce: validation per partition with Kafka's error codes, offsets assigned, acks=0 silent.</summary>
public class ProduceHandlerTests : IDisposable
{
    private readonly BrokerState _broker = new();

    public ProduceHandlerTests() => Assert.Equal(Log.Topics.TopicStatus.Ok, _broker.Logs.CreateTopic("t", 2));

    public void Dispose() => _broker.Dispose();

    private ProduceResponse.Partition ProduceOne(string topic, int partition, byte[] records, short acks = -1) =>
        Assert.Single(Assert.Single(_broker.Produce.Handle(BrokerState.ProduceOf(topic, partition, records, acks))!.Responses).PartitionResponses);

    [Fact]
    public void Produce_AssignsConsecutiveOffsets_AndReportsLogStart()
    {
        var first = ProduceOne("t", 0, TestBatches.Simple(1000, count: 3));
        var second = ProduceOne("t", 0, TestBatches.Simple(1001, count: 2));
        var other = ProduceOne("t", 1, TestBatches.Simple(1002));

        Assert.Equal((ErrorCode.None, 0L, 0L), (first.ErrorCode, first.BaseOffset, first.LogStartOffset));
        Assert.Equal((ErrorCode.None, 3L), (second.ErrorCode, second.BaseOffset));
        Assert.Equal((ErrorCode.None, 0L), (other.ErrorCode, other.BaseOffset));
        Assert.Equal(5, _broker.Logs.GetLog("t", 0)!.LogEndOffset);
    }

    [Fact]
    public void AcksZero_AppendsButAnswersNothing()
    {
        Assert.Null(_broker.Produce.Handle(BrokerState.ProduceOf("t", 0, TestBatches.Simple(1000, count: 4), acks: 0)));
        Assert.Equal(4, _broker.Logs.GetLog("t", 0)!.LogEndOffset);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-2)]
    public void AcksOutsideZeroOneMinusOne_IsInvalidRequiredAcks(short acks)
    {
        var answer = ProduceOne("t", 0, TestBatches.Simple(1000), acks);
        Assert.Equal(ErrorCode.InvalidRequiredAcks, answer.ErrorCode);
        Assert.Equal(0, _broker.Logs.GetLog("t", 0)!.LogEndOffset);
    }

    [Fact]
    public void BadCrc_IsCorruptMessage_AndNothingIsStored()
    {
        var batch = TestBatches.Simple(1000, count: 2);
        batch[^1] ^= 0x40;
        var answer = ProduceOne("t", 0, batch);
        Assert.Equal(ErrorCode.CorruptMessage, answer.ErrorCode);
        Assert.Contains("CrcMismatch", answer.ErrorMessage);
        Assert.Equal(0, _broker.Logs.GetLog("t", 0)!.LogEndOffset);
    }

    [Fact]
    public void TwoBatchesInOnePartition_IsInvalidRecord()
    {
        var answer = ProduceOne("t", 0, [.. TestBatches.Simple(1000), .. TestBatches.Simple(1001)]);
        Assert.Equal(ErrorCode.InvalidRecord, answer.ErrorCode);
        Assert.Contains("exactly one record batch", answer.ErrorMessage);
    }

    [Fact]
    public void IdempotentBatch_IsRefused_BecauseNoProducerIdWasEverGiven()
    {
        var answer = ProduceOne("t", 0, TestBatches.Build(1000, [new TestRecord("k", "v")], producerId: 7, producerEpoch: 0, baseSequence: 0));
        Assert.Equal(ErrorCode.InvalidRecord, answer.ErrorCode);
    }

    [Fact]
    public void MagicOne_IsInvalidRecord()
    {
        var batch = TestBatches.Simple(1000);
        batch[16] = 1;
        Assert.Equal(ErrorCode.InvalidRecord, ProduceOne("t", 0, batch).ErrorCode);
    }

    [Fact]
    public void UnknownTopicOrPartition_IsReported_PerPartition()
    {
        var request = new ProduceRequest
        {
            Acks = 1,
            TopicData =
            [
                new ProduceRequest.Topic("t", [new(0, TestBatches.Simple(1000)), new(2, TestBatches.Simple(1000))]),
                new ProduceRequest.Topic("nope", [new(0, TestBatches.Simple(1000))]),
            ],
        };
        var response = _broker.Produce.Handle(request)!;
        Assert.Equal([ErrorCode.None, ErrorCode.UnknownTopicOrPartition], response.Responses[0].PartitionResponses.Select(p => p.ErrorCode));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, response.Responses[1].PartitionResponses[0].ErrorCode);
    }

    [Fact]
    public void NullRecords_IsInvalidRecord()
    {
        var request = new ProduceRequest { Acks = 1, TopicData = [new ProduceRequest.Topic("t", [new(0, null)])] };
        Assert.Equal(ErrorCode.InvalidRecord, _broker.Produce.Handle(request)!.Responses[0].PartitionResponses[0].ErrorCode);
    }

    [Fact]
    public void BatchOverMaxMessageBytes_IsMessageTooLarge()
    {
        using var small = new BrokerState(new LogConfig { MaxMessageBytes = 200 });
        small.Logs.CreateTopic("t");
        var response = small.Produce.Handle(BrokerState.ProduceOf("t", 0, TestBatches.Simple(1000, count: 10, valueBytes: 50)))!;
        Assert.Equal(ErrorCode.MessageTooLarge, response.Responses[0].PartitionResponses[0].ErrorCode);
    }

    [Fact]
    public void DeletedTopic_IsUnknownTopic()
    {
        _broker.Logs.DeleteTopic("t");
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, ProduceOne("t", 0, TestBatches.Simple(1000)).ErrorCode);
    }

    [Fact]
    public void StoredBatch_KeepsTheProducersBytes_ExceptBaseOffsetAndLeaderEpoch()
    {
        ProduceOne("t", 0, TestBatches.Simple(1000));
        var sent = TestBatches.Simple(1000, count: 2);
        ProduceOne("t", 0, sent);
        var stored = _broker.Logs.GetLog("t", 0)!.Read(1, 1 << 20).Records.ToArray();
        Assert.Equal(1, BinaryPrimitives.ReadInt64BigEndian(stored));
        Assert.Equal(sent[16..], stored[16..]);
    }
}
