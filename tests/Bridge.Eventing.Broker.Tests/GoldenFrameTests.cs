using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;

namespace Bridge.Eventing.Broker.Tests;

/// <summary>
/// Whole frames written out by hand, field by field, from the JSON specs and the protocol guide
/// (each line of hex is one field, commented), plus two frames captured from kcat (librdkafka
/// 2.0.2) on this machine with a Python listener. The codec must produce and read exactly these.
/// </summary>
public class GoldenFrameTests
{
    private static ReadOnlyMemory<byte> Body(byte[] frame) => frame.AsMemory(KafkaFrame.SizePrefixBytes);

    /// <summary>kcat -L's first frame (captured): ApiVersions v3, so header v2 and a flexible body.</summary>
    private const string LibrdkafkaApiVersionsV3 =
        "00000024" +                    // size 36
        "0012" + "0003" + "00000001" +  // ApiVersions, v3, correlation id 1
        "0007" + "72646b61666b61" +     // ClientId "rdkafka" (int16 length even in header v2)
        "00" +                          // header tagged fields: none
        "0b" + "6c696272646b61666b61" + // ClientSoftwareName: compact, 10+1, "librdkafka"
        "06" + "322e302e32" +           // ClientSoftwareVersion: compact, 5+1, "2.0.2"
        "00";                           // body tagged fields: none

    [Fact]
    public void LibrdkafkaApiVersionsV3Request_Decodes()
    {
        byte[] frame = Codec.Hex(LibrdkafkaApiVersionsV3);
        var (header, request) = RequestDecoder.Decode(Body(frame));

        Assert.Equal(new RequestHeader(ApiKey.ApiVersions, 3, 1, "rdkafka"), header);
        var apiVersions = Assert.IsType<ApiVersionsRequest>(request);
        Assert.Equal("librdkafka", apiVersions.ClientSoftwareName);
        Assert.Equal("2.0.2", apiVersions.ClientSoftwareVersion);
        Assert.True(apiVersions.IsValid(3));
        Assert.Equal(frame, Codec.RequestFrame(header, request));
    }

    [Fact]
    public void LibrdkafkaApiVersionsV0Retry_Decodes()
    {
        // What kcat sent after our UNSUPPORTED_VERSION fallback answer (captured): header v1, empty body.
        byte[] frame = Codec.Hex("00000011" + "0012" + "0000" + "00000002" + "0007" + "72646b61666b61");
        var (header, request) = RequestDecoder.Decode(Body(frame));
        Assert.Equal(new RequestHeader(ApiKey.ApiVersions, 0, 2, "rdkafka"), header);
        Assert.IsType<ApiVersionsRequest>(request);
    }

    [Fact]
    public void ApiVersionsV3Response_IsHeaderV0AndCompactBody()
    {
        var response = new ApiVersionsResponse { ApiKeys = KafkaApis.Advertised };
        byte[] frame = Codec.ResponseFrame(new RequestHeader(ApiKey.ApiVersions, 3, 1, "rdkafka"), response);

        string expected =
            "0000006e" +                  // size 110 = 4 + 2 + 1 + 14*7 + 4 + 1
            "00000001" +                  // correlation id; header v0: no tagged fields
            "0000" +                      // ErrorCode NONE
            "0f" +                        // ApiKeys: compact array, 14+1
            "0000" + "0000" + "0008" + "00" + // Produce 0–8 (v0–v2 claimed for librdkafka, refused), no tags
            "0001" + "0004" + "000b" + "00" + // Fetch 4–11
            "0002" + "0001" + "0005" + "00" + // ListOffsets 1–5
            "0003" + "0000" + "0008" + "00" + // Metadata 0–8
            "0008" + "0002" + "0007" + "00" + // OffsetCommit 2–7
            "0009" + "0001" + "0005" + "00" + // OffsetFetch 1–5
            "000a" + "0000" + "0002" + "00" + // FindCoordinator 0–2
            "000b" + "0000" + "0005" + "00" + // JoinGroup 0–5
            "000c" + "0000" + "0003" + "00" + // Heartbeat 0–3
            "000d" + "0000" + "0003" + "00" + // LeaveGroup 0–3
            "000e" + "0000" + "0003" + "00" + // SyncGroup 0–3
            "0012" + "0000" + "0003" + "00" + // ApiVersions 0–3
            "0013" + "0000" + "0004" + "00" + // CreateTopics 0–4
            "0014" + "0000" + "0003" + "00" + // DeleteTopics 0–3
            "00000000" +                  // ThrottleTimeMs
            "00";                         // tagged fields: none (no SupportedFeatures)
        Assert.Equal(expected, Convert.ToHexStringLower(frame));
    }

    [Fact]
    public void MetadataV4Response_OneBrokerOneTopic()
    {
        var response = new MetadataResponse
        {
            Brokers = [new(1, "127.0.0.1", 9092)],
            ClusterId = "c",
            ControllerId = 1,
            Topics = [new(ErrorCode.None, "t", [new(ErrorCode.None, 0, 1, [1], [1])])],
        };
        byte[] frame = Codec.ResponseFrame(new RequestHeader(ApiKey.Metadata, 4, 9, null), response);

        string expected =
            "00000050" +                               // size 80
            "00000009" +                               // correlation id 9 (header v0)
            "00000000" +                               // ThrottleTimeMs (v3+)
            "00000001" +                               // Brokers: 1
            "00000001" + "0009" + "3132372e302e302e31" + "00002384" + // NodeId 1, Host "127.0.0.1", Port 9092
            "ffff" +                                   // Rack null (v1+)
            "0001" + "63" +                            // ClusterId "c" (v2+)
            "00000001" +                               // ControllerId 1 (v1+)
            "00000001" +                               // Topics: 1
            "0000" + "0001" + "74" + "00" +            // ErrorCode, Name "t", IsInternal false (v1+)
            "00000001" +                               // Partitions: 1
            "0000" + "00000000" + "00000001" +         // ErrorCode, PartitionIndex 0, LeaderId 1
            "00000001" + "00000001" +                  // ReplicaNodes [1]
            "00000001" + "00000001";                   // IsrNodes [1] (no epoch before v7, no offline before v5)
        Assert.Equal(expected, Convert.ToHexStringLower(frame));
    }

    [Fact]
    public void ProduceV7Request_RecordsPassThroughOpaque()
    {
        string expected =
            "0000003a" +                 // size 58
            "0000" + "0007" + "00000005" + "0001" + "70" + // Produce v7, correlation 5, ClientId "p"
            "ffff" +                     // TransactionalId null
            "ffff" +                     // Acks -1
            "00007530" +                 // TimeoutMs 30000
            "00000001" +                 // TopicData: 1
            "0001" + "74" +              // Name "t"
            "00000001" +                 // PartitionData: 1
            "00000002" +                 // Index 2
            "00000014" +                 // Records: 20 bytes, passed through as they are
            "00000000000000000000000801020304deadbeef";
        var (header, request) = RequestDecoder.Decode(Body(Codec.Hex(expected)));

        Assert.Equal(new RequestHeader(ApiKey.Produce, 7, 5, "p"), header);
        var produce = Assert.IsType<ProduceRequest>(request);
        Assert.Null(produce.TransactionalId);
        Assert.Equal(-1, produce.Acks);
        var partition = Assert.Single(Assert.Single(produce.TopicData).PartitionData);
        Assert.Equal(2, partition.Index);
        Assert.Equal("00000000000000000000000801020304deadbeef", Convert.ToHexStringLower(partition.Records!.Value.Span));
        Assert.Equal(expected, Convert.ToHexStringLower(Codec.RequestFrame(header, request)));
    }

    [Fact]
    public void FetchV11Response_WithRecordsAndNoAbortedTransactions()
    {
        var response = new FetchResponse
        {
            Responses = [new("t", [new(0, ErrorCode.None, 10, new byte[] { 0xAB, 0xCD }) { LastStableOffset = 10, LogStartOffset = 0 }])],
        };
        byte[] frame = Codec.ResponseFrame(new RequestHeader(ApiKey.Fetch, 11, 4, "c"), response);

        string expected =
            "00000045" +                 // size 69
            "00000004" +                 // correlation id 4
            "00000000" +                 // ThrottleTimeMs
            "0000" + "00000000" +        // ErrorCode, SessionId 0 (v7+): sessionless
            "00000001" + "0001" + "74" + // Responses: 1, Topic "t"
            "00000001" +                 // Partitions: 1
            "00000000" + "0000" +        // PartitionIndex 0, ErrorCode NONE
            "000000000000000a" +         // HighWatermark 10
            "000000000000000a" +         // LastStableOffset 10
            "0000000000000000" +         // LogStartOffset 0 (v5+)
            "ffffffff" +                 // AbortedTransactions null
            "ffffffff" +                 // PreferredReadReplica -1 (v11+)
            "00000002" + "abcd";         // Records
        Assert.Equal(expected, Convert.ToHexStringLower(frame));
    }

    [Fact]
    public void JoinGroupV5Request_AsLibrdkafkaLaysItOut()
    {
        string expected =
            "0000003f" +                           // size 63
            "000b" + "0005" + "00000007" + "0001" + "63" + // JoinGroup v5, correlation 7, ClientId "c"
            "0001" + "67" +                        // GroupId "g"
            "0000afc8" +                           // SessionTimeoutMs 45000
            "000493e0" +                           // RebalanceTimeoutMs 300000 (v1+)
            "0000" +                               // MemberId "" (first join)
            "ffff" +                               // GroupInstanceId null (v5+)
            "0008" + "636f6e73756d6572" +          // ProtocolType "consumer"
            "00000001" +                           // Protocols: 1
            "0005" + "72616e6765" +                // Name "range"
            "0000000c" + "000000000001000174ffffff"; // Metadata: 12 opaque bytes
        var (header, request) = RequestDecoder.Decode(Body(Codec.Hex(expected)));
        var join = Assert.IsType<JoinGroupRequest>(request);

        Assert.Equal(("g", 45_000, 300_000, "", (string?)null, "consumer"),
            (join.GroupId, join.SessionTimeoutMs, join.RebalanceTimeoutMs, join.MemberId, join.GroupInstanceId, join.ProtocolType));
        Assert.Equal("range", Assert.Single(join.Protocols).Name);
        Assert.Equal(expected, Convert.ToHexStringLower(Codec.RequestFrame(header, request)));
    }
}
