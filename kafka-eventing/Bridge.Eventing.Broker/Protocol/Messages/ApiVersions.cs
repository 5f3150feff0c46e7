using System.Text.RegularExpressions;

namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// ApiVersions request (Kafka protocol, ApiVersions v0–v3; ApiVersionsRequest.json, KIP-35,
/// KIP-511). v0–v2 have an empty body; v3 (flexible) names the client software.
/// </summary>
/// <remarks>
/// Served v0–v3: librdkafka 2.0.2 opens every connection with v3, and answering it directly
/// saves the UNSUPPORTED_VERSION round trip. A newer version (v4+) is answered as Kafka does:
/// UNSUPPORTED_VERSION in a v0 body (<see cref="ResponseEncoder.EncodeApiVersionsFallback"/>).
/// </remarks>
public sealed partial record ApiVersionsRequest : IKafkaRequest, IKafkaMessage<ApiVersionsRequest>
{
    /// <summary>ApiVersions v0–v3; flexible from v3.</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<ApiVersionsRequest, ApiVersionsResponse>(ApiKey.ApiVersions, 0, 3, firstFlexibleVersion: 3);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.ApiVersions;

    /// <summary>Client software name (v3+; default empty), for example <c>librdkafka</c>.</summary>
    public string ClientSoftwareName { get; init; } = "";

    /// <summary>Client software version (v3+; default empty).</summary>
    public string ClientSoftwareVersion { get; init; } = "";

    /// <summary>
    /// False when a v3+ request names its software with characters Kafka rejects (KIP-511:
    /// <c>[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?</c>); Kafka answers such a request with
    /// INVALID_REQUEST. Always true below v3.
    /// </summary>
    public bool IsValid(short version) =>
        version < 3 || (SoftwarePattern().IsMatch(ClientSoftwareName) && SoftwarePattern().IsMatch(ClientSoftwareVersion));

    /// <inheritdoc />
    public static ApiVersionsRequest Read(ref KafkaReader reader, short version)
    {
        if (version < 3) return new ApiVersionsRequest();
        var request = new ApiVersionsRequest
        {
            ClientSoftwareName = reader.ReadCompactString("ClientSoftwareName"),
            ClientSoftwareVersion = reader.ReadCompactString("ClientSoftwareVersion"),
        };
        reader.SkipTaggedFields();
        return request;
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version < 3) return;
        writer.WriteCompactString(ClientSoftwareName);
        writer.WriteCompactString(ClientSoftwareVersion);
        writer.WriteEmptyTaggedFields();
    }

    [GeneratedRegex(@"^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?\z")]
    private static partial Regex SoftwarePattern();
}

/// <summary>
/// ApiVersions response (Kafka protocol, ApiVersions v0–v3; ApiVersionsResponse.json): an error
/// code, the supported version range of every API, and (v1+) the throttle time. Its response
/// header is always v0. The v3 tagged fields (SupportedFeatures, FinalizedFeatures...) are
/// skipped when read and never written: this broker has no feature flags.
/// </summary>
public sealed record ApiVersionsResponse : IKafkaResponse, IKafkaMessage<ApiVersionsResponse>
{
    /// <summary>One API's supported range.</summary>
    /// <param name="ApiKey">The API.</param>
    /// <param name="MinVersion">Lowest supported version, inclusive.</param>
    /// <param name="MaxVersion">Highest supported version, inclusive.</param>
    public sealed record ApiVersion(ApiKey ApiKey, short MinVersion, short MaxVersion);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.ApiVersions;

    /// <summary>Top-level error (NONE, UNSUPPORTED_VERSION, INVALID_REQUEST).</summary>
    public ErrorCode ErrorCode { get; init; }

    /// <summary>The supported APIs (<see cref="KafkaApis.Advertised"/> in a normal answer).</summary>
    public IReadOnlyList<ApiVersion> ApiKeys { get; init; } = [];

    /// <summary>Throttle time in milliseconds (v1+; default 0).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <inheritdoc />
    public static ApiVersionsResponse Read(ref KafkaReader reader, short version)
    {
        bool flexible = version >= 3;
        var error = (ErrorCode)reader.ReadInt16("ErrorCode");
        int count = flexible ? reader.ReadCompactArrayLength("ApiKeys", 7) : reader.ReadArrayLength("ApiKeys", 6);
        var keys = new ApiVersion[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = new ApiVersion((ApiKey)reader.ReadInt16("ApiKey"), reader.ReadInt16("MinVersion"), reader.ReadInt16("MaxVersion"));
            if (flexible) reader.SkipTaggedFields();
        }
        var response = new ApiVersionsResponse
        {
            ErrorCode = error,
            ApiKeys = keys,
            ThrottleTimeMs = version >= 1 ? reader.ReadInt32("ThrottleTimeMs") : 0,
        };
        if (flexible) reader.SkipTaggedFields();
        return response;
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        bool flexible = version >= 3;
        writer.WriteInt16((short)ErrorCode);
        if (flexible) writer.WriteCompactArrayLength(ApiKeys.Count);
        else writer.WriteArrayLength(ApiKeys.Count);
        foreach (var api in ApiKeys)
        {
            writer.WriteInt16((short)api.ApiKey);
            writer.WriteInt16(api.MinVersion);
            writer.WriteInt16(api.MaxVersion);
            if (flexible) writer.WriteEmptyTaggedFields();
        }
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        if (flexible) writer.WriteEmptyTaggedFields();
    }
}
