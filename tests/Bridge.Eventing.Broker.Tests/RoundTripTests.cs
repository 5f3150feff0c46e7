using Bridge.Eventing.Broker.Protocol;

namespace Bridge.Eventing.Broker.Tests;

/// <summary>Every message of every served API at every served version survives write then read.</summary>
public class RoundTripTests
{
    public static TheoryData<ApiKey, short> AllVersions => Samples.AllVersions();

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Request_WriteThenRead_IsIdentical(ApiKey api, short version)
    {
        var request = Samples.Request(api, version);
        byte[] body = Codec.Body(request, version);

        var reader = new KafkaReader(body);
        var decoded = KafkaApis.Get(api).ReadRequest(ref reader, version);

        Assert.Equal(0, reader.Remaining);
        Assert.Equal(Codec.Json(request), Codec.Json(decoded));
        Assert.Equal(body, Codec.Body(decoded, version));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Response_WriteThenRead_IsIdentical(ApiKey api, short version)
    {
        var response = Samples.Response(api, version);
        byte[] body = Codec.Body(response, version);

        var reader = new KafkaReader(body);
        var decoded = KafkaApis.Get(api).ReadResponse(ref reader, version);

        Assert.Equal(0, reader.Remaining);
        Assert.Equal(Codec.Json(response), Codec.Json(decoded));
        Assert.Equal(body, Codec.Body(decoded, version));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void RequestFrame_EncodeThenDecode_KeepsHeaderAndBody(ApiKey api, short version)
    {
        var header = new RequestHeader(api, version, 0x1234_5678, "bridge-test");
        var request = Samples.Request(api, version);
        byte[] frame = Codec.RequestFrame(header, request);

        var (decodedHeader, decoded) = RequestDecoder.Decode(frame.AsMemory(KafkaFrame.SizePrefixBytes));

        Assert.Equal(header, decodedHeader);
        Assert.Equal(Codec.Json(request), Codec.Json(decoded));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void ResponseFrame_EncodeThenDecode_KeepsCorrelationAndBody(ApiKey api, short version)
    {
        var request = new RequestHeader(api, version, -7, null);
        var response = Samples.Response(api, version);
        byte[] frame = Codec.ResponseFrame(request, response);

        var (header, decoded) = ResponseDecoder.Decode(frame.AsMemory(KafkaFrame.SizePrefixBytes), api, version);

        Assert.Equal(-7, header.CorrelationId);
        Assert.Equal(Codec.Json(response), Codec.Json(decoded));
    }
}

/// <summary>The structural comparison the round trips rely on sees every kind of field.</summary>
public class StructuralComparisonTests
{
    [Fact]
    public void Json_SeesRecordBytesNestedListsAndByteArrays()
    {
        var produce = new Protocol.Messages.ProduceRequest { TopicData = [new("t", [new(0, new byte[] { 1, 2 })])] };
        var otherBytes = produce with { TopicData = [new("t", [new(0, new byte[] { 1, 3 })])] };
        var nullRecords = produce with { TopicData = [new("t", [new(0, null)])] };
        var join = new Protocol.Messages.JoinGroupRequest { Protocols = [new("range", [1])] };

        Assert.NotEqual(Codec.Json(produce), Codec.Json(otherBytes));
        Assert.NotEqual(Codec.Json(produce), Codec.Json(nullRecords));
        Assert.NotEqual(Codec.Json(join), Codec.Json(join with { Protocols = [new("range", [2])] }));
        Assert.Contains("\"AQI=\"", Codec.Json(produce));
    }
}
