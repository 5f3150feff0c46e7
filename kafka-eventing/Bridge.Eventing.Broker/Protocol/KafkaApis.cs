using System.Collections.Frozen;
using Bridge.Eventing.Broker.Protocol.Messages;

namespace Bridge.Eventing.Broker.Protocol;

/// <summary>Reads a request body of one API at a version.</summary>
public delegate IKafkaRequest RequestBodyReader(ref KafkaReader reader, short version);

/// <summary>Reads a response body of one API at a version.</summary>
public delegate IKafkaResponse ResponseBodyReader(ref KafkaReader reader, short version);

/// <summary>
/// One API as this codec serves it: the version range it advertises in ApiVersions, the first
/// flexible version of Kafka's spec (which decides the header versions, KIP-482), and the body
/// readers. Each message file declares its own descriptor (<c>XRequest.Api</c>), so the
/// ApiVersions answer is derived from what is implemented, never written by hand.
/// </summary>
/// <param name="Key">The API key.</param>
/// <param name="MinVersion">Lowest version served (and advertised, unless <see cref="ApiDescriptor.AdvertisedMinVersion"/> says lower).</param>
/// <param name="MaxVersion">Highest version served and advertised.</param>
/// <param name="FirstFlexibleVersion">First version the spec marks flexible (<c>flexibleVersions</c>), served or not.</param>
/// <param name="ReadRequest">Reads a request body.</param>
/// <param name="ReadResponse">Reads a response body.</param>
public sealed record ApiDescriptor(
    ApiKey Key, short MinVersion, short MaxVersion, short FirstFlexibleVersion,
    RequestBodyReader ReadRequest, ResponseBodyReader ReadResponse)
{
    /// <summary>Builds the descriptor of the API whose messages are <typeparamref name="TRequest"/> and <typeparamref name="TResponse"/>.</summary>
    public static ApiDescriptor Create<TRequest, TResponse>(ApiKey key, short minVersion, short maxVersion, short firstFlexibleVersion)
        where TRequest : IKafkaRequest, IKafkaMessage<TRequest>
        where TResponse : IKafkaResponse, IKafkaMessage<TResponse> =>
        new(key, minVersion, maxVersion, firstFlexibleVersion,
            static (ref KafkaReader r, short v) => TRequest.Read(ref r, v),
            static (ref KafkaReader r, short v) => TResponse.Read(ref r, v));

    /// <summary>
    /// The lowest version the ApiVersions answer claims; below <see cref="MinVersion"/> only where
    /// clients need to see old versions to enable features, and such requests are still refused
    /// (the connection closes). Produce: 0, as Kafka 4.0 answers (KAFKA-18659): librdkafka
    /// before 2.10 enables gzip, snappy and lz4 only when the broker's Produce range includes v0
    /// (librdkafka#4956), and otherwise sends those batches uncompressed.
    /// </summary>
    public short AdvertisedMinVersion { get; init; } = MinVersion;

    /// <summary>Whether <paramref name="version"/> is within [<see cref="MinVersion"/>, <see cref="MaxVersion"/>].</summary>
    public bool Supports(short version) => version >= MinVersion && version <= MaxVersion;

    /// <summary>Whether the spec marks <paramref name="version"/> flexible (compact types, tagged fields).</summary>
    public bool IsFlexible(short version) => version >= FirstFlexibleVersion;

    /// <summary>Request header version for <paramref name="version"/>: 2 when flexible, else 1 (RequestHeader.json).</summary>
    public short RequestHeaderVersion(short version) => IsFlexible(version) ? (short)2 : (short)1;

    /// <summary>
    /// Response header version for <paramref name="version"/>: 1 when flexible, else 0
    /// (ResponseHeader.json) — except ApiVersions, whose response header is always v0 so a
    /// client that does not yet know the broker's versions can read it (ApiVersionsResponse.json).
    /// </summary>
    public short ResponseHeaderVersion(short version) =>
        Key != ApiKey.ApiVersions && IsFlexible(version) ? (short)1 : (short)0;
}

/// <summary>The APIs this codec serves, with the version ranges the broker advertises (see docs/broker.md).</summary>
public static class KafkaApis
{
    /// <summary>Every served API, ordered by key.</summary>
    public static IReadOnlyList<ApiDescriptor> All { get; } =
    [
        ProduceRequest.Api, FetchRequest.Api, ListOffsetsRequest.Api, MetadataRequest.Api,
        OffsetCommitRequest.Api, OffsetFetchRequest.Api, FindCoordinatorRequest.Api,
        JoinGroupRequest.Api, HeartbeatRequest.Api, LeaveGroupRequest.Api, SyncGroupRequest.Api,
        ApiVersionsRequest.Api, CreateTopicsRequest.Api, DeleteTopicsRequest.Api,
    ];

    private static readonly FrozenDictionary<ApiKey, ApiDescriptor> ByKey = All.ToFrozenDictionary(a => a.Key);

    /// <summary>The descriptor of <paramref name="key"/>, or false if the codec does not serve it.</summary>
    public static bool TryGet(ApiKey key, out ApiDescriptor descriptor) =>
        ByKey.TryGetValue(key, out descriptor!);

    /// <summary>The descriptor of a served API.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="key"/> is not served.</exception>
    public static ApiDescriptor Get(ApiKey key) =>
        ByKey.TryGetValue(key, out var d) ? d : throw new ArgumentOutOfRangeException(nameof(key), key, "API not served by this codec.");

    /// <summary>The ApiVersions entries the broker advertises: one per served API, ordered by key.</summary>
    public static IReadOnlyList<ApiVersionsResponse.ApiVersion> Advertised { get; } =
        All.Select(a => new ApiVersionsResponse.ApiVersion(a.Key, a.AdvertisedMinVersion, a.MaxVersion)).ToArray();
}
