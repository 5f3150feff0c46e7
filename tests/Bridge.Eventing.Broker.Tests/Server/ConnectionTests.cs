using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Tests;

namespace Bridge.Eventing.Broker.Tests.Server;

/// <summary>The broker's connection loop on loopback, with frames written by the codec's client side.</summary>
public class ConnectionTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private KafkaBroker _broker = null!;

    public async Task InitializeAsync() =>
        _broker = await KafkaBroker.StartAsync(new BrokerOptions { DataDirectory = _dir.Path, Endpoint = new IPEndPoint(IPAddress.Loopback, 0), MaxFrameBytes = 64 * 1024 });

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<NetworkStream> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(_broker.Endpoint);
        return client.GetStream();
    }

    private static byte[] Frame(ApiKey api, short version, int correlationId, IKafkaRequest request)
    {
        var output = new ArrayBufferWriter<byte>();
        RequestEncoder.Encode(output, new RequestHeader(api, version, correlationId, "test"), request);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads one response frame, or null when the broker closed the connection.</summary>
    private static async Task<byte[]?> ReadFrameAsync(Stream stream)
    {
        var size = new byte[4];
        try
        {
            await stream.ReadExactlyAsync(size).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (EndOfStreamException)
        {
            return null;
        }
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(body).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        return body;
    }

    private static async Task<T> ReadAsync<T>(Stream stream, ApiKey api, short version, int correlationId) where T : IKafkaResponse
    {
        var frame = await ReadFrameAsync(stream) ?? throw new Xunit.Sdk.XunitException("connection closed");
        var (header, response) = ResponseDecoder.Decode(frame, api, version);
        Assert.Equal(correlationId, header.CorrelationId);
        return Assert.IsType<T>(response);
    }

    [Fact]
    public async Task PipelinedRequests_AreAnsweredInOrder_AndAcksZeroGetsNoAnswer()
    {
        await using var stream = await ConnectAsync();
        var batch = TestBatches.Simple(1000, count: 2);
        byte[] all =
        [
            .. Frame(ApiKey.Metadata, 4, 1, new MetadataRequest { Topics = ["t"] }),
            .. Frame(ApiKey.Produce, 7, 2, BrokerStateProduce("t", batch, acks: 0)),
            .. Frame(ApiKey.Produce, 7, 3, BrokerStateProduce("t", batch, acks: 1)),
            .. Frame(ApiKey.ListOffsets, 2, 4, new ListOffsetsRequest { Topics = [new ListOffsetsRequest.Topic("t", [new(0, -1)])] }),
        ];
        await stream.WriteAsync(all);

        Assert.Equal(ErrorCode.None, (await ReadAsync<MetadataResponse>(stream, ApiKey.Metadata, 4, 1)).Topics[0].ErrorCode);
        var produced = await ReadAsync<ProduceResponse>(stream, ApiKey.Produce, 7, 3);
        Assert.Equal(2, produced.Responses[0].PartitionResponses[0].BaseOffset);
        var offsets = await ReadAsync<ListOffsetsResponse>(stream, ApiKey.ListOffsets, 2, 4);
        Assert.Equal(4, offsets.Topics[0].Partitions[0].Offset);
    }

    private static ProduceRequest BrokerStateProduce(string topic, byte[] batch, short acks) => new()
    {
        Acks = acks,
        TimeoutMs = 1000,
        TopicData = [new ProduceRequest.Topic(topic, [new ProduceRequest.Partition(0, batch)])],
    };

    [Fact]
    public async Task ApiVersionsNewerThanServed_GetsTheV0Fallback_AndTheConnectionStaysOpen()
    {
        await using var stream = await ConnectAsync();
        var header = new byte[] { 0, 18, 0, 9, 0, 0, 0, 5, 0, 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0 };
        await stream.WriteAsync((byte[])[.. BigEndian(header.Length), .. header]);
        var fallback = await ReadAsync<ApiVersionsResponse>(stream, ApiKey.ApiVersions, 0, 5);
        Assert.Equal(ErrorCode.UnsupportedVersion, fallback.ErrorCode);

        await stream.WriteAsync(Frame(ApiKey.ApiVersions, 3, 6, new ApiVersionsRequest { ClientSoftwareName = "test", ClientSoftwareVersion = "1" }));
        var answer = await ReadAsync<ApiVersionsResponse>(stream, ApiKey.ApiVersions, 3, 6);
        Assert.Equal(ErrorCode.None, answer.ErrorCode);
        Assert.Equal(KafkaApis.Advertised, answer.ApiKeys);
    }

    [Fact]
    public async Task FrameOverTheLimit_ClosesTheConnection_AfterAnsweringWhatCameFirst()
    {
        await using var stream = await ConnectAsync();
        await stream.WriteAsync((byte[])[.. Frame(ApiKey.ApiVersions, 0, 1, new ApiVersionsRequest()), .. BigEndian(64 * 1024 + 1)]);
        Assert.Equal(ErrorCode.None, (await ReadAsync<ApiVersionsResponse>(stream, ApiKey.ApiVersions, 0, 1)).ErrorCode);
        Assert.Null(await ReadFrameAsync(stream));
    }

    [Fact]
    public async Task MalformedBody_ClosesOnlyThatConnection()
    {
        await using var bad = await ConnectAsync();
        var frame = Frame(ApiKey.Metadata, 4, 1, new MetadataRequest { Topics = ["t"] });
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4 + 2 + 2 + 4 + 2 + 4), 1000); // topics count far beyond the bytes
        await bad.WriteAsync(frame);
        Assert.Null(await ReadFrameAsync(bad));

        await using var good = await ConnectAsync();
        await good.WriteAsync(Frame(ApiKey.Metadata, 4, 2, new MetadataRequest { Topics = ["t"] }));
        Assert.Equal("t", (await ReadAsync<MetadataResponse>(good, ApiKey.Metadata, 4, 2)).Topics[0].Name);
    }

    [Fact]
    public async Task UnservedApi_ClosesTheConnection()
    {
        await using var stream = await ConnectAsync();
        var header = new byte[] { 0, 22, 0, 0, 0, 0, 0, 1, 0, 0 }; // InitProducerId v0, not served
        await stream.WriteAsync((byte[])[.. BigEndian(header.Length + 8), .. header, 0, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Null(await ReadFrameAsync(stream));
    }

    [Fact]
    public async Task LongPollingFetch_IsWokenByAProduceOnAnotherConnection()
    {
        await using var consumer = await ConnectAsync();
        await using var producer = await ConnectAsync();
        await producer.WriteAsync(Frame(ApiKey.Metadata, 4, 1, new MetadataRequest { Topics = ["t"] }));
        await ReadAsync<MetadataResponse>(producer, ApiKey.Metadata, 4, 1);

        await consumer.WriteAsync(Frame(ApiKey.Fetch, 11, 7, new FetchRequest
        {
            MaxWaitMs = 60_000, MinBytes = 1, MaxBytes = 1 << 20,
            Topics = [new FetchRequest.FetchTopic("t", [new FetchRequest.FetchPartition(0, 0, 1 << 20)])],
        }));
        var fetched = ReadAsync<FetchResponse>(consumer, ApiKey.Fetch, 11, 7);
        await producer.WriteAsync(Frame(ApiKey.Produce, 7, 2, BrokerStateProduce("t", TestBatches.Simple(1000), acks: 1)));
        await ReadAsync<ProduceResponse>(producer, ApiKey.Produce, 7, 2);

        var response = await fetched;
        Assert.Equal(1, response.Responses[0].Partitions[0].HighWatermark);
        Assert.False(response.Responses[0].Partitions[0].Records!.Value.IsEmpty);
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }
}
