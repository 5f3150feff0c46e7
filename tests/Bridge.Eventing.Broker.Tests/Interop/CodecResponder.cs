using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;

namespace Bridge.Eventing.Broker.Tests.Interop;

/// <summary>
/// A test double, not the broker: a loopback listener that answers a real client (kcat) using
/// only the codec, with canned state — one node, topic partitions of one record batch each, the
/// batch stored exactly as produced. It exists to prove the codec against librdkafka 2.0.2:
/// that it reads our responses and that we read its requests. Each connection is served in order.
/// </summary>
internal sealed class CodecResponder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(string Topic, int Partition), byte[]> _batches = new();
    private readonly Task _acceptLoop;

    public CodecResponder(bool refuseApiVersionsV3 = false)
    {
        RefuseApiVersionsV3 = refuseApiVersionsV3;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    /// <summary>Answer ApiVersions v3 with the UNSUPPORTED_VERSION fallback, like a broker serving v0–v2.</summary>
    public bool RefuseApiVersionsV3 { get; }

    public int Port { get; }

    /// <summary>Every request header received, in arrival order per connection.</summary>
    public ConcurrentQueue<RequestHeader> Received { get; } = new();

    /// <summary>Request decode failures (there should be none).</summary>
    public ConcurrentQueue<Exception> Failures { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _acceptLoop; } catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var sizeBytes = new byte[4];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(sizeBytes, _stop.Token);
                var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(sizeBytes)];
                await stream.ReadExactlyAsync(frame, _stop.Token);
                var output = new ArrayBufferWriter<byte>();
                if (!Answer(frame, output)) return;
                await stream.WriteAsync(output.WrittenMemory, _stop.Token);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException) { }
    }

    private bool Answer(byte[] frame, ArrayBufferWriter<byte> output)
    {
        DecodedRequest decoded;
        try
        {
            decoded = RequestDecoder.Decode(frame);
        }
        catch (KafkaUnsupportedRequestException e) when (e.CanAnswer)
        {
            Received.Enqueue(e.Header);
            ResponseEncoder.EncodeApiVersionsFallback(output, e.Header.CorrelationId);
            return true;
        }
        catch (KafkaProtocolException e)
        {
            Failures.Enqueue(e);
            return false;
        }
        var (header, request) = decoded;
        Received.Enqueue(header);
        if (header.ApiKey == ApiKey.ApiVersions && header.ApiVersion == 3 && RefuseApiVersionsV3)
        {
            ResponseEncoder.EncodeApiVersionsFallback(output, header.CorrelationId);
            return true;
        }
        IKafkaResponse? response = request switch
        {
            ApiVersionsRequest => new ApiVersionsResponse { ApiKeys = KafkaApis.Advertised },
            MetadataRequest m => Metadata(m, header.ApiVersion),
            ProduceRequest p => Produce(p),
            ListOffsetsRequest l => ListOffsets(l),
            FetchRequest f => Fetch(f),
            _ => null,
        };
        if (response is null) return false; // not needed by these tests: close, as for an unknown request
        if (request is ProduceRequest { Acks: 0 }) return true; // acks=0: no response at all
        ResponseEncoder.Encode(output, header, response);
        return true;
    }

    private long HighWatermark(string topic, int partition) => _batches.ContainsKey((topic, partition)) ? 1 : 0;

    private MetadataResponse Metadata(MetadataRequest request, short version)
    {
        var names = request.WantsAllTopics(version) ? _batches.Keys.Select(k => k.Topic).Distinct().ToList() : request.Topics!.ToList();
        return new MetadataResponse
        {
            Brokers = [new(1, "127.0.0.1", Port)],
            ClusterId = "codec-responder",
            ControllerId = 1,
            Topics = names.Select(n => new MetadataResponse.Topic(ErrorCode.None, n, [new(ErrorCode.None, 0, 1, [1], [1])])).ToList(),
        };
    }

    private ProduceResponse Produce(ProduceRequest request) => new()
    {
        Responses = request.TopicData.Select(t => new ProduceResponse.Topic(t.Name, t.PartitionData.Select(p =>
        {
            // One batch per partition: the tests produce a single record, so base offset 0 as sent.
            bool first = p.Records is { } records && _batches.TryAdd((t.Name, p.Index), records.ToArray());
            return first
                ? new ProduceResponse.Partition(p.Index, ErrorCode.None, 0) { LogStartOffset = 0 }
                : new ProduceResponse.Partition(p.Index, ErrorCode.InvalidRequest, -1);
        }).ToList())).ToList(),
    };

    private ListOffsetsResponse ListOffsets(ListOffsetsRequest request) => new()
    {
        Topics = request.Topics.Select(t => new ListOffsetsResponse.Topic(t.Name, t.Partitions.Select(p =>
            new ListOffsetsResponse.Partition(p.PartitionIndex, ErrorCode.None, -1,
                p.Timestamp == ListOffsetsRequest.EarliestTimestamp ? 0 : HighWatermark(t.Name, p.PartitionIndex))).ToList())).ToList(),
    };

    private FetchResponse Fetch(FetchRequest request) => new()
    {
        Responses = request.Topics.Select(t => new FetchResponse.TopicResponse(t.Topic, t.Partitions.Select(p =>
        {
            long hw = HighWatermark(t.Topic, p.Partition);
            ReadOnlyMemory<byte> records = p.FetchOffset < hw ? _batches[(t.Topic, p.Partition)] : ReadOnlyMemory<byte>.Empty;
            return new FetchResponse.PartitionData(p.Partition, ErrorCode.None, hw, records) { LastStableOffset = hw, LogStartOffset = 0 };
        }).ToList())).ToList(),
    };
}
