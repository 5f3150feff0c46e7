using System.Buffers;
using Bridge.Eventing.Broker.Protocol.Messages;

namespace Bridge.Eventing.Broker.Protocol;

/// <summary>
/// Encodes a response frame — size prefix, response header (v0, or v1 for flexible versions
/// other than ApiVersions), body — at the version of the request it answers.
/// </summary>
public static class ResponseEncoder
{
    /// <summary>Writes the answer to <paramref name="request"/> into <paramref name="output"/>.</summary>
    /// <param name="output">Where the frame goes (an <see cref="ArrayBufferWriter{T}"/>, or a PipeWriter).</param>
    /// <param name="request">The header of the request answered: its correlation id and version are used.</param>
    /// <param name="response">The body; its API must be the request's.</param>
    /// <returns>Bytes written, including the 4-byte size prefix.</returns>
    /// <exception cref="ArgumentException">The response belongs to another API.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The API or version is not served (answer ApiVersions with <see cref="EncodeApiVersionsFallback"/>).</exception>
    public static long Encode(IBufferWriter<byte> output, RequestHeader request, IKafkaResponse response)
    {
        if (response.ApiKey != request.ApiKey)
            throw new ArgumentException($"A {response.ApiKey} response cannot answer a {request.ApiKey} request.", nameof(response));
        var api = KafkaApis.Get(request.ApiKey);
        if (!api.Supports(request.ApiVersion))
            throw new ArgumentOutOfRangeException(nameof(request), request.ApiVersion,
                $"{request.ApiKey} v{request.ApiVersion} is outside the served range v{api.MinVersion}–v{api.MaxVersion}.");
        return KafkaFrame.Write(output, new ResponseHeader(request.CorrelationId),
            api.ResponseHeaderVersion(request.ApiVersion), response, request.ApiVersion);
    }

    /// <summary>
    /// Answers an ApiVersions request whose version is not served, as Kafka does (KIP-511): a
    /// v0 response — header v0, ErrorCode UNSUPPORTED_VERSION (35), and ApiKeys holding only the
    /// ApiVersions range — so the client can retry with a version both sides support. The Java
    /// client reads the range; librdkafka, having sent a flexible version, reads the v0 count as
    /// a compact null, keeps the error code it read first and retries with v0 (checked with kcat).
    /// </summary>
    /// <param name="output">Where the frame goes.</param>
    /// <param name="correlationId">The request's correlation id.</param>
    /// <returns>Bytes written, including the 4-byte size prefix (always 20).</returns>
    public static long EncodeApiVersionsFallback(IBufferWriter<byte> output, int correlationId)
    {
        var api = ApiVersionsRequest.Api;
        var response = new ApiVersionsResponse
        {
            ErrorCode = ErrorCode.UnsupportedVersion,
            ApiKeys = [new ApiVersionsResponse.ApiVersion(ApiKey.ApiVersions, api.MinVersion, api.MaxVersion)],
        };
        return KafkaFrame.Write(output, new ResponseHeader(correlationId), 0, response, 0);
    }
}
