using System.Buffers;

namespace Bridge.Eventing.Broker.Protocol;

/// <summary>A decoded request: its header and its typed body (for example <c>ProduceRequest</c>).</summary>
/// <param name="Header">The request header.</param>
/// <param name="Request">The body, typed per API.</param>
public readonly record struct DecodedRequest(RequestHeader Header, IKafkaRequest Request);

/// <summary>
/// Decodes one request frame (the bytes after the size prefix) into its header and typed body,
/// dispatching on the API key and version through <see cref="KafkaApis"/>.
/// </summary>
/// <remarks>
/// The header version follows from the API and version (flexible versions use header v2,
/// KIP-482), so the key and version are read first. A body must be consumed exactly: trailing
/// bytes are an error. Kafka ignores them, but they can only mean the client and this codec
/// disagree about the fields of that version, and misreading a request silently is worse than
/// a closed connection.
/// </remarks>
public static class RequestDecoder
{
    /// <summary>
    /// Decodes <paramref name="frame"/>. Record batches in a decoded Produce request are slices
    /// of <paramref name="frame"/>, so it must stay unchanged while the request is in use.
    /// </summary>
    /// <exception cref="KafkaUnsupportedRequestException">
    /// Well-framed, but the API key is not served or the version is outside the served range;
    /// carries the header. For ApiVersions, <see cref="KafkaUnsupportedRequestException.CanAnswer"/>
    /// is true: answer with <see cref="ResponseEncoder.EncodeApiVersionsFallback"/>. Otherwise close.
    /// </exception>
    /// <exception cref="KafkaProtocolException">Malformed (truncated, bad length, trailing bytes); close the connection.</exception>
    public static DecodedRequest Decode(ReadOnlyMemory<byte> frame)
    {
        var peek = new KafkaReader(frame);
        var key = (ApiKey)peek.ReadInt16("RequestApiKey");
        short version = peek.ReadInt16("RequestApiVersion");
        bool known = KafkaApis.TryGet(key, out var api);

        // An unknown API's header is read as v1: ClientId keeps its int16 length in every
        // header version, so this reads it right either way (only v2's tagged fields are missed).
        var reader = new KafkaReader(frame);
        var header = RequestHeader.Read(ref reader, known ? api.RequestHeaderVersion(version) : (short)1);
        if (!known)
            throw new KafkaUnsupportedRequestException(header, knownApi: false, $"API key {(short)key} is not served");
        if (!api.Supports(version))
            throw new KafkaUnsupportedRequestException(header, knownApi: true,
                $"{key} v{version} is outside the served range v{api.MinVersion}–v{api.MaxVersion}");
        try
        {
            var request = api.ReadRequest(ref reader, version);
            reader.EnsureEnd($"{key} v{version} request body");
            return new DecodedRequest(header, request);
        }
        catch (KafkaProtocolException e) when (e.Header is null)
        {
            throw e.WithHeader(header);
        }
    }

    /// <summary>
    /// Decodes a frame taken from a pipe (<see cref="KafkaFrame.TryReadFrame"/>). The frame is
    /// first copied into an array of its own, so the decoded request owns its bytes and the pipe
    /// can be advanced at once; that costs one copy of the frame (bounded by the frame limit).
    /// </summary>
    /// <exception cref="KafkaUnsupportedRequestException">As <see cref="Decode(ReadOnlyMemory{byte})"/>.</exception>
    /// <exception cref="KafkaProtocolException">As <see cref="Decode(ReadOnlyMemory{byte})"/>.</exception>
    public static DecodedRequest Decode(in ReadOnlySequence<byte> frame) => Decode(frame.ToArray());
}
