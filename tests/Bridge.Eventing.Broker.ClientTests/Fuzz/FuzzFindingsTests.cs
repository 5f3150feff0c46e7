using System.Buffers;
using System.Buffers.Binary;
using Bridge.Eventing.Broker.ClientTests.Infrastructure;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Tests;
using KafkaErrorCode = Bridge.Eventing.Broker.Protocol.ErrorCode;

namespace Bridge.Eventing.Broker.ClientTests.Fuzz;

/// <summary>Frames the network fuzz test found mishandled, replayed one by one (regression tests named after what broke).</summary>
public class FuzzFindingsTests
{
    /// <summary>
    /// Found by <see cref="NetworkFuzzTests"/> (seed 0, frame 524): a Produce batch whose
    /// batchLength is within 12 of int.MaxValue. <c>RecordBatchHeader.SizeInBytes</c> (12 +
    /// batchLength, an int) overflows to a negative size, the "fewer bytes than the batch" check
    /// passes, and <c>TryParse</c> slices with it: ArgumentOutOfRangeException out of a method
    /// documented "never throws", so the handler fails and the connection is closed instead of the
    /// partition being answered CORRUPT_MESSAGE. Fixed: such a length is InvalidLength.
    /// </summary>
    [Theory]
    [InlineData(0x7FFFFFFF)]
    [InlineData(0x7FFFFFF4)]
    public async Task Produce_BatchLengthNearInt32Max_IsAnsweredCorruptMessage(int batchLength)
    {
        await using var broker = await TestBroker.StartAsync();
        broker.Broker.Logs.CreateTopic("fuzz", 1);
        var batch = TestBatches.Build(1_700_000_000_000, [new TestRecord("k", "v")]);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), batchLength);
        var output = new ArrayBufferWriter<byte>();
        RequestEncoder.Encode(output, new RequestHeader(ApiKey.Produce, 7, 42, "regression"), new ProduceRequest
        {
            Acks = -1, TimeoutMs = 1_000, TopicData = [new ProduceRequest.Topic("fuzz", [new ProduceRequest.Partition(0, batch)])],
        });

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var connection = await FrameConnection.ConnectAsync(broker.Broker.Endpoint, cancel.Token);
        await connection.SendAsync(output.WrittenMemory, cancel.Token);
        var answer = await connection.ReadFrameAsync(cancel.Token);

        Assert.True(answer is not null, $"connection closed; broker log:\n{string.Join("\n", broker.Log.Entries)}");
        var response = (ProduceResponse)ResponseDecoder.Decode(answer, ApiKey.Produce, 7).Response;
        Assert.Equal(KafkaErrorCode.CorruptMessage, response.Responses.Single().PartitionResponses.Single().ErrorCode);
    }
}
