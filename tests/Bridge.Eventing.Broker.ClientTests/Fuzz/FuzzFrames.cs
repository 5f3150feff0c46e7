using System.Buffers;
using System.Buffers.Binary;
using Bridge.Eventing.Broker.ClientTests.Infrastructure;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Tests;

namespace Bridge.Eventing.Broker.ClientTests.Fuzz;

/// <summary>How a fuzz frame is framed on the wire, which decides what the broker can do with it.</summary>
internal enum Framing
{
    /// <summary>The size prefix matches the bytes that follow: the broker has the whole frame and must answer or close.</summary>
    Complete,

    /// <summary>The size prefix promises more than is sent: the broker must wait, and close when the client half-closes.</summary>
    Incomplete,

    /// <summary>The size prefix is negative or above the broker's limit: the broker must close without waiting for a body.</summary>
    InvalidSize,
}

/// <summary>One frame to send: bytes including the size prefix, and how it is framed.</summary>
internal sealed record FuzzFrame(byte[] Bytes, Framing Framing, string Kind);

/// <summary>
/// Frames for the network fuzz test (seeded): well-formed requests of every served API built with
/// the codec's client side (<see cref="RequestEncoder"/>) over realistic state (topic <c>fuzz</c>
/// with two partitions, groups with unique ids so no request waits on an earlier one's group), and
/// hostile variants of them: Produce frames with a flipped CRC or record byte, bit flips,
/// truncation with and without a matching size prefix, random API keys and versions, garbage,
/// negative, huge and random size prefixes. The codec's own decoder fuzz
/// (Bridge.Eventing.Broker.Tests/FuzzTests) covers the field-level mutations; this one is about
/// what crosses a socket.
/// </summary>
internal sealed class FuzzFrames(Random random, int maxFrameBytes)
{
    public const string Topic = "fuzz";
    private int _serial;

    public FuzzFrame Next()
    {
        int roll = random.Next(100);
        return roll switch
        {
            < 15 => new(ValidRequest(), Framing.Complete, "valid"),
            < 27 => new(Frame(ProduceWithBadCrc()), Framing.Complete, "produce-bad-crc"),
            < 50 => new(Frame(Mutate(Body(ValidRequest()))), Framing.Complete, "mutated"),
            < 60 => new(Frame(RandomHeader()), Framing.Complete, "random-api"),
            < 68 => new(Frame(Garbage()), Framing.Complete, "garbage"),
            < 78 => new(Frame(Truncated(Body(ValidRequest()))), Framing.Complete, "truncated"),
            < 86 => IncompleteFrame(),
            < 91 => new(Prefixed(random.Next(int.MinValue, 0), Garbage()), Framing.InvalidSize, "negative-size"),
            _ => new(Prefixed(random.Next(maxFrameBytes + 1, int.MaxValue), Garbage()), Framing.InvalidSize, "huge-size"),
        };
    }

    /// <summary>The body (after the size prefix) of a frame, for the codec's own classification.</summary>
    public static ReadOnlyMemory<byte> BodyOf(FuzzFrame frame) => frame.Bytes.AsMemory(KafkaFrame.SizePrefixBytes);

    /// <summary>An ApiVersions v0 request frame (header v1, empty body) with <paramref name="correlationId"/>.</summary>
    public static byte[] Probe(int correlationId)
    {
        var output = new ArrayBufferWriter<byte>();
        RequestEncoder.Encode(output, new RequestHeader(ApiKey.ApiVersions, 0, correlationId, "probe"), new ApiVersionsRequest());
        return output.WrittenSpan.ToArray();
    }

    private byte[] Body(byte[] frame) => frame[KafkaFrame.SizePrefixBytes..];

    private static byte[] Frame(byte[] body) => Prefixed(body.Length, body);

    private static byte[] Prefixed(int size, byte[] body)
    {
        var frame = new byte[KafkaFrame.SizePrefixBytes + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, size);
        body.CopyTo(frame, KafkaFrame.SizePrefixBytes);
        return frame;
    }

    private byte[] ValidRequest()
    {
        var api = KafkaApis.All[random.Next(KafkaApis.All.Count)];
        short version = (short)random.Next(api.MinVersion, api.MaxVersion + 1);
        if (api.Key == ApiKey.JoinGroup) version = (short)random.Next(4, api.MaxVersion + 1);
        var request = Request(api.Key, version);
        var output = new ArrayBufferWriter<byte>();
        RequestEncoder.Encode(output, new RequestHeader(api.Key, version, ++_serial, random.Next(4) == 0 ? null : "fuzzer"), request);
        return output.WrittenSpan.ToArray();
    }

    private IKafkaRequest Request(ApiKey api, short version)
    {
        string group = $"fuzz-group-{random.Next():x8}{random.Next():x8}";
        int partition = random.Next(3); // 2 does not exist
        return api switch
        {
            ApiKey.Produce => ProduceRequest(version, TestBatches.Build(1_700_000_000_000, Records()), (short)(random.Next(5) == 0 ? 0 : random.Next(2) == 0 ? 1 : -1)),
            ApiKey.Fetch => new FetchRequest
            {
                MaxWaitMs = random.Next(2) == 0 ? 0 : 10, MinBytes = random.Next(2), MaxBytes = 1 << 20,
                Topics = [new FetchRequest.FetchTopic(Topic, [new FetchRequest.FetchPartition(partition, random.Next(0, 50), 64 * 1024)])],
            },
            ApiKey.ListOffsets => new ListOffsetsRequest
            {
                Topics = [new ListOffsetsRequest.Topic(Topic, [new ListOffsetsRequest.Partition(partition, random.Next(3) switch { 0 => -1, 1 => -2, _ => 1_700_000_000_000 + random.Next(100) })])],
            },
            ApiKey.Metadata => new MetadataRequest
            {
                Topics = random.Next(3) switch { 0 when version > 0 => null, 1 => ["absent"], _ => [Topic] },
                AllowAutoTopicCreation = false,
            },
            ApiKey.OffsetCommit => new OffsetCommitRequest
            {
                GroupId = group, Topics = [new OffsetCommitRequest.Topic(Topic, [new OffsetCommitRequest.Partition(partition, random.Next(100), "m")])],
            },
            ApiKey.OffsetFetch => new OffsetFetchRequest { GroupId = group, Topics = version >= 2 && random.Next(2) == 0 ? null : [new OffsetFetchRequest.Topic(Topic, [0, 1])] },
            ApiKey.FindCoordinator => new FindCoordinatorRequest { Key = group },
            ApiKey.JoinGroup => new JoinGroupRequest
            {
                GroupId = group, SessionTimeoutMs = 10_000, RebalanceTimeoutMs = 10_000, ProtocolType = "consumer",
                Protocols = [new JoinGroupRequest.Protocol("range", [0, 1, 2, 3])],
            },
            ApiKey.Heartbeat => new HeartbeatRequest { GroupId = group, GenerationId = 1, MemberId = "member" },
            ApiKey.LeaveGroup => new LeaveGroupRequest { GroupId = group, MemberId = "member", Members = [new LeaveGroupRequest.MemberIdentity("member")] },
            ApiKey.SyncGroup => new SyncGroupRequest { GroupId = group, GenerationId = 1, MemberId = "member" },
            // v0 has no ValidateOnly: it names the existing topic, so nothing is created.
            ApiKey.CreateTopics => new CreateTopicsRequest
            {
                Topics = [new CreateTopicsRequest.CreatableTopic(version == 0 ? Topic : $"fuzz-new-{random.Next(1000)}", 1, 1)], ValidateOnly = true, TimeoutMs = 1_000,
            },
            ApiKey.DeleteTopics => new DeleteTopicsRequest { TopicNames = ["absent"], TimeoutMs = 1_000 },
            ApiKey.ApiVersions => new ApiVersionsRequest { ClientSoftwareName = "fuzzer", ClientSoftwareVersion = "1.0" },
            _ => throw new InvalidOperationException($"no sample for {api}"),
        };
    }

    private static ProduceRequest ProduceRequest(short version, byte[] batch, short acks) => new()
    {
        Acks = acks, TimeoutMs = 1_000,
        TopicData = [new ProduceRequest.Topic(Topic, [new ProduceRequest.Partition(0, batch)])],
    };

    /// <summary>Where a RecordBatch v2 keeps its CRC-32C (https://kafka.apache.org/documentation/#recordbatch).</summary>
    private const int CrcOffset = 17;

    private List<TestRecord> Records() =>
        Enumerable.Range(0, random.Next(1, 5)).Select(i => new TestRecord(random.Next(3) == 0 ? null : Text(random.Next(0, 20)), Text(random.Next(0, 200)), TimestampDelta: i)).ToList();

    private string Text(int length) => string.Create(length, random, static (chars, r) =>
    {
        for (var i = 0; i < chars.Length; i++) chars[i] = (char)r.Next(0x20, 0x7F);
    });

    /// <summary>A Produce frame (acks 1) whose only batch has a flipped bit in its CRC or in the bytes the CRC covers.</summary>
    private byte[] ProduceWithBadCrc()
    {
        var batch = TestBatches.Build(1_700_000_000_000, Records());
        int at = random.Next(2) == 0 ? CrcOffset + random.Next(4) : random.Next(61, batch.Length);
        batch[at] ^= (byte)(1 << random.Next(8));
        short version = (short)random.Next(3, 9);
        var output = new ArrayBufferWriter<byte>();
        RequestEncoder.Encode(output, new RequestHeader(ApiKey.Produce, version, ++_serial, "fuzzer"), ProduceRequest(version, batch, 1));
        return Body(output.WrittenSpan.ToArray());
    }

    private byte[] Mutate(byte[] body)
    {
        for (int round = random.Next(1, 4); round > 0 && body.Length > 0; round--)
        {
            switch (random.Next(4))
            {
                case 0: body[random.Next(body.Length)] ^= (byte)(1 << random.Next(8)); break;
                case 1: body[random.Next(body.Length)] = (byte)random.Next(256); break;
                case 2 when body.Length >= 4: BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(random.Next(body.Length - 3)), random.Next(2) == 0 ? -1 : int.MaxValue); break;
                default: body = [.. body[..random.Next(body.Length)], .. Bytes(random.Next(1, 9)), .. body[random.Next(body.Length)..]]; break;
            }
        }
        return body;
    }

    /// <summary>A header with any API key (served or not) and any version, then random bytes.</summary>
    private byte[] RandomHeader()
    {
        var body = Bytes(random.Next(10, 64));
        short key = random.Next(2) == 0 ? (short)random.Next(0, 70) : (short)random.Next(short.MinValue, short.MaxValue + 1);
        short version = random.Next(2) == 0 ? (short)random.Next(-1, 20) : (short)random.Next(short.MinValue, short.MaxValue + 1);
        BinaryPrimitives.WriteInt16BigEndian(body, key);
        BinaryPrimitives.WriteInt16BigEndian(body.AsSpan(2), version);
        BinaryPrimitives.WriteInt16BigEndian(body.AsSpan(8), (short)random.Next(-1, 4)); // a short client id, so the body is reached
        return body;
    }

    private byte[] Garbage() => Bytes(random.Next(0, 200));

    private byte[] Truncated(byte[] body) => body[..random.Next(body.Length)];

    private FuzzFrame IncompleteFrame()
    {
        if (random.Next(2) == 0)
        {
            // A real request cut short: the prefix still announces the whole body.
            var body = Body(ValidRequest());
            return new(Prefixed(body.Length, body[..random.Next(body.Length)]), Framing.Incomplete, "incomplete");
        }
        var tail = Garbage();
        return new(Prefixed(random.Next(tail.Length + 1, maxFrameBytes + 1), tail), Framing.Incomplete, "random-size");
    }

    private byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
