using System.Buffers;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;

namespace Bridge.Eventing.Broker.Tests;

/// <summary>RequestDecoder and ResponseEncoder: dispatch, header versions, and the errors a server acts on.</summary>
public class DecoderTests
{
    private static ReadOnlyMemory<byte> Body(byte[] frame) => frame.AsMemory(KafkaFrame.SizePrefixBytes);

    [Theory]
    [InlineData(ApiKey.Produce, 8, 1, 0)]
    [InlineData(ApiKey.Produce, 9, 2, 1)] // flexible from v9 (not served, but the rule holds)
    [InlineData(ApiKey.Metadata, 8, 1, 0)]
    [InlineData(ApiKey.Fetch, 12, 2, 1)]
    [InlineData(ApiKey.ApiVersions, 2, 1, 0)]
    [InlineData(ApiKey.ApiVersions, 3, 2, 0)] // ApiVersions responses always use header v0
    [InlineData(ApiKey.ApiVersions, 4, 2, 0)]
    [InlineData(ApiKey.OffsetFetch, 6, 2, 1)]
    public void HeaderVersions_FollowFlexibleVersions(ApiKey api, short version, short requestHeader, short responseHeader)
    {
        var d = KafkaApis.Get(api);
        Assert.Equal(requestHeader, d.RequestHeaderVersion(version));
        Assert.Equal(responseHeader, d.ResponseHeaderVersion(version));
    }

    [Fact]
    public void Advertised_IsDerivedFromTheServedApis()
    {
        Assert.Equal(14, KafkaApis.Advertised.Count);
        Assert.Equal(KafkaApis.All.Select(a => (a.Key, a.AdvertisedMinVersion, a.MaxVersion)),
            KafkaApis.Advertised.Select(a => (a.ApiKey, a.MinVersion, a.MaxVersion)));
        // Produce alone claims v0 (KAFKA-18659, librdkafka#4956); v0–v2 stay refused (the theory below).
        Assert.Equal([ApiKey.Produce], KafkaApis.All.Where(a => a.AdvertisedMinVersion != a.MinVersion).Select(a => a.Key));
        Assert.Equal((0, 3), (KafkaApis.Get(ApiKey.Produce).AdvertisedMinVersion, KafkaApis.Get(ApiKey.Produce).MinVersion));
        Assert.Equal(KafkaApis.All.OrderBy(a => a.Key).Select(a => a.Key), KafkaApis.All.Select(a => a.Key));
    }

    [Theory]
    [InlineData((short)7)] // ControlledShutdown: a real API, not served
    [InlineData((short)999)]
    [InlineData((short)-1)]
    public void UnknownApiKey_ThrowsUnsupportedWithHeader(short key)
    {
        byte[] frame = Convert.FromHexString($"{(ushort)key:x4}" + "0000" + "0000002a" + "0001" + "63" + "deadbeef");
        var e = Assert.Throws<KafkaUnsupportedRequestException>(() => RequestDecoder.Decode(frame));
        Assert.True(e.IsUnknownApi);
        Assert.False(e.CanAnswer);
        Assert.Equal(new RequestHeader((ApiKey)key, 0, 42, "c"), e.Header);
        Assert.Contains($"API key {key} is not served", e.Message);
    }

    [Theory]
    [InlineData(ApiKey.Produce, 2)] // below the floor: message format v0/v1
    [InlineData(ApiKey.Produce, 9)] // flexible, not served
    [InlineData(ApiKey.Fetch, 3)]
    [InlineData(ApiKey.Metadata, 9)]
    public void VersionOutsideRange_ThrowsUnsupportedThatCannotBeAnswered(ApiKey api, short version)
    {
        var frame = Codec.RequestFrame(new RequestHeader(api, version, 5, "c"), Samples.Request(api, KafkaApis.Get(api).MinVersion));
        var e = Assert.Throws<KafkaUnsupportedRequestException>(() => RequestDecoder.Decode(Body(frame)));
        Assert.False(e.IsUnknownApi);
        Assert.False(e.CanAnswer);
        Assert.Equal(version, e.Header.ApiVersion);
        Assert.Equal(5, e.Header.CorrelationId);
    }

    [Fact]
    public void ApiVersionsNewerThanServed_CanBeAnswered_AndBodyIsNotRead()
    {
        // v4 header is v2 (flexible): api 18, version 4, correlation 3, client id "c", no tags;
        // then a body this codec does not parse (Kafka answers without reading it).
        byte[] frame = Convert.FromHexString("0012" + "0004" + "00000003" + "0001" + "63" + "00" + "ffffffffffff");
        var e = Assert.Throws<KafkaUnsupportedRequestException>(() => RequestDecoder.Decode(frame));
        Assert.True(e.CanAnswer);
        Assert.Equal(new RequestHeader(ApiKey.ApiVersions, 4, 3, "c"), e.Header);

        var output = new ArrayBufferWriter<byte>();
        Assert.Equal(20, ResponseEncoder.EncodeApiVersionsFallback(output, e.Header.CorrelationId));
        // size 16 | correlation 3 | UNSUPPORTED_VERSION (35) | 1 entry: ApiVersions (18) v0–v3
        Assert.Equal("00000010" + "00000003" + "0023" + "00000001" + "0012" + "0000" + "0003", Convert.ToHexStringLower(output.WrittenSpan));

        var (header, response) = ResponseDecoder.Decode(output.WrittenMemory[4..], ApiKey.ApiVersions, 0);
        Assert.Equal(3, header.CorrelationId);
        Assert.Equal(ErrorCode.UnsupportedVersion, ((ApiVersionsResponse)response).ErrorCode);
    }

    [Fact]
    public void TruncatedBody_ThrowsWithHeaderFieldAndOffset()
    {
        var header = new RequestHeader(ApiKey.Produce, 7, 11, "rdkafka");
        byte[] frame = Codec.RequestFrame(header, Samples.Request(ApiKey.Produce, 7));
        // Header v1 is 17 bytes (2+2+4, client id 2+7); the body starts with TransactionalId "tx-1"
        // (6), Acks (2), TimeoutMs (4), then the topic count (2) at byte 29. Cut the frame 3 bytes
        // after the count: two topics need at least 12, so the count itself is refused.
        var e = Assert.Throws<KafkaProtocolException>(() => RequestDecoder.Decode(frame.AsMemory(4, 36)));

        Assert.Equal(header, e.Header);
        Assert.Equal("TopicData", e.Field);
        Assert.Equal(17 + 6 + 2 + 4, e.Offset);
        Assert.Contains("array of 2 elements needs at least 12 bytes but only 3 remain", e.Message);
        Assert.Contains("in Produce v7 request (correlation id 11, client id 'rdkafka')", e.Message);
    }

    [Fact]
    public void TrailingBytes_AreRejected()
    {
        byte[] frame = [.. Codec.RequestFrame(new RequestHeader(ApiKey.Heartbeat, 1, 1, null), Samples.Request(ApiKey.Heartbeat, 1)), 0];
        var e = Assert.Throws<KafkaProtocolException>(() => RequestDecoder.Decode(Body(frame)));
        Assert.Contains("1 unexpected bytes after the Heartbeat v1 request body", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("000000")]
    [InlineData("0000000700000001")] // Produce v7 header without ClientId
    public void TooShortForAHeader_ThrowsWithoutHeader(string hex)
    {
        var e = Assert.Throws<KafkaProtocolException>(() => RequestDecoder.Decode(Convert.FromHexString(hex)));
        Assert.Null(e.Header);
    }

    [Fact]
    public void NullClientId_IsKept()
    {
        var frame = Codec.RequestFrame(new RequestHeader(ApiKey.ApiVersions, 0, 1, null), new ApiVersionsRequest());
        Assert.Equal("0000000a" + "0012" + "0000" + "00000001" + "ffff", Convert.ToHexStringLower(frame));
        Assert.Null(RequestDecoder.Decode(Body(frame)).Header.ClientId);
    }

    [Fact]
    public void ResponseEncoder_RejectsMismatchedApiAndUnservedVersion()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() =>
            ResponseEncoder.Encode(output, new RequestHeader(ApiKey.Produce, 7, 1, null), new HeartbeatResponse()));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ResponseEncoder.Encode(output, new RequestHeader(ApiKey.ApiVersions, 4, 1, null), new ApiVersionsResponse()));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void ApiVersionsRequest_SoftwareNamesAreValidatedAsKafkaDoes()
    {
        Assert.True(new ApiVersionsRequest { ClientSoftwareName = "librdkafka", ClientSoftwareVersion = "2.0.2" }.IsValid(3));
        Assert.True(new ApiVersionsRequest { ClientSoftwareName = "confluent-kafka-dotnet", ClientSoftwareVersion = "2.15.1" }.IsValid(3));
        Assert.False(new ApiVersionsRequest { ClientSoftwareName = "bad name", ClientSoftwareVersion = "1" }.IsValid(3));
        Assert.False(new ApiVersionsRequest { ClientSoftwareName = "x", ClientSoftwareVersion = "1.0-" }.IsValid(3));
        Assert.False(new ApiVersionsRequest().IsValid(3)); // empty does not match
        Assert.True(new ApiVersionsRequest().IsValid(2));
    }

    [Fact]
    public void Metadata_WantsAllTopics_ByVersion()
    {
        Assert.True(new MetadataRequest { Topics = [] }.WantsAllTopics(0));
        Assert.False(new MetadataRequest { Topics = [] }.WantsAllTopics(1));
        Assert.True(new MetadataRequest { Topics = null }.WantsAllTopics(4));
        Assert.Throws<ArgumentException>(() => Codec.Body(new MetadataRequest { Topics = null }, 0));
    }

    [Fact]
    public void LeaveGroup_LeavingMembers_CoversBothShapes()
    {
        Assert.Equal([new LeaveGroupRequest.MemberIdentity("m")], new LeaveGroupRequest { MemberId = "m" }.LeavingMembers(1));
        var batch = new LeaveGroupRequest { Members = [new("a"), new("b", "i")] };
        Assert.Equal(batch.Members, batch.LeavingMembers(3));
    }
}
