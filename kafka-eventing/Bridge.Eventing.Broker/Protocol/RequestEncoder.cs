using System.Buffers;

namespace Bridge.Eventing.Broker.Protocol;

/// <summary>
/// The client side of the codec, for tests and tools: encodes request frames and decodes
/// response frames, with the same header rules as the broker side.
/// </summary>
public static class RequestEncoder
{
    /// <summary>
    /// Writes a request frame (size prefix, header, body at <see cref="RequestHeader.ApiVersion"/>).
    /// The version is not checked against the served range, so a test can send what a newer
    /// client would; the header version follows the spec's flexible versions of the API.
    /// </summary>
    /// <returns>Bytes written, including the 4-byte size prefix.</returns>
    /// <exception cref="ArgumentException">The request belongs to another API than the header's.</exception>
    public static long Encode(IBufferWriter<byte> output, RequestHeader header, IKafkaRequest request)
    {
        if (request.ApiKey != header.ApiKey)
            throw new ArgumentException($"A {request.ApiKey} request cannot go under a {header.ApiKey} header.", nameof(request));
        short headerVersion = KafkaApis.TryGet(header.ApiKey, out var api) ? api.RequestHeaderVersion(header.ApiVersion) : (short)1;
        return KafkaFrame.Write(output, header, headerVersion, request, header.ApiVersion);
    }
}

/// <summary>Decodes response frames (the client side of the codec, for tests and tools).</summary>
public static class ResponseDecoder
{
    /// <summary>
    /// Decodes a response frame (after the size prefix) to a request of <paramref name="api"/> at
    /// <paramref name="version"/>: the client knows both from the correlation id. Use version 0
    /// to read an ApiVersions UNSUPPORTED_VERSION answer.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="api"/> is not served.</exception>
    /// <exception cref="KafkaProtocolException">Malformed, or trailing bytes after the body.</exception>
    public static (ResponseHeader Header, IKafkaResponse Response) Decode(ReadOnlyMemory<byte> frame, ApiKey api, short version)
    {
        var descriptor = KafkaApis.Get(api);
        var reader = new KafkaReader(frame);
        var header = ResponseHeader.Read(ref reader, descriptor.ResponseHeaderVersion(version));
        var response = descriptor.ReadResponse(ref reader, version);
        reader.EnsureEnd($"{api} v{version} response body");
        return (header, response);
    }
}
