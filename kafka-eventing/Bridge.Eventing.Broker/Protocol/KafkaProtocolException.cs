namespace Bridge.Eventing.Broker.Protocol;

/// <summary>
/// A Kafka frame that does not follow the protocol: a length that runs past the end of the
/// frame, a negative or over-limit size, an over-long varint, trailing bytes after a message
/// body. The server answers by closing the connection (as Kafka does for a request it cannot
/// parse); nothing about the frame is trusted.
/// </summary>
/// <remarks>
/// <see cref="Field"/> and <see cref="Offset"/> say what was being read and where, so a log
/// line points at the exact byte. <see cref="Header"/> is set when the request header was read
/// before the body failed, so the log can name the API, version, correlation id and client.
/// </remarks>
public class KafkaProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The field being read, by its name in Kafka's JSON message spec (for example <c>Records</c>), or a framing element (<c>frame size</c>).</param>
    /// <param name="offset">Byte offset of the failing read from the start of the frame (after the 4-byte size prefix), or -1 if unknown.</param>
    /// <param name="detail">What is wrong, with the numbers involved.</param>
    /// <param name="header">The request header, when it was read before the failure.</param>
    public KafkaProtocolException(string field, int offset, string detail, RequestHeader? header = null)
        : base(Compose(field, offset, detail, header))
    {
        Field = field;
        Offset = offset;
        Detail = detail;
        Header = header;
    }

    /// <summary>The field being read (Kafka JSON spec name) or framing element.</summary>
    public string Field { get; }

    /// <summary>Byte offset from the start of the frame body; -1 if unknown.</summary>
    public int Offset { get; }

    /// <summary>What is wrong, without the field and position.</summary>
    public string Detail { get; }

    /// <summary>The request header, when it was read before the failure; otherwise null.</summary>
    public RequestHeader? Header { get; }

    /// <summary>The same failure attributed to the request whose header is <paramref name="header"/>.</summary>
    public virtual KafkaProtocolException WithHeader(RequestHeader header) =>
        new(Field, Offset, Detail, header);

    private static string Compose(string field, int offset, string detail, RequestHeader? header)
    {
        var where = offset >= 0 ? $"{field} at byte {offset}" : field;
        var request = header is null
            ? ""
            : $" in {header.ApiKey} v{header.ApiVersion} request (correlation id {header.CorrelationId}, client id '{header.ClientId}')";
        return $"Malformed Kafka frame: {where}{request}: {detail}";
    }
}

/// <summary>
/// A well-framed request the codec does not serve: an API key it does not know, or a version
/// outside the advertised range (<see cref="KafkaApis"/>). <see cref="Header"/> is always set.
/// When <see cref="CanAnswer"/> is true (an ApiVersions request newer than the advertised
/// maximum) the server answers with <see cref="ResponseEncoder.EncodeApiVersionsFallback"/>,
/// as Kafka does (KIP-511); otherwise it closes the connection, as Kafka does.
/// </summary>
public sealed class KafkaUnsupportedRequestException : KafkaProtocolException
{
    /// <summary>Creates the exception for the request with <paramref name="header"/>.</summary>
    /// <param name="header">The parsed request header.</param>
    /// <param name="knownApi">Whether the API key is one the codec knows.</param>
    /// <param name="detail">Why it is unsupported.</param>
    public KafkaUnsupportedRequestException(RequestHeader header, bool knownApi, string detail)
        : base(knownApi ? "RequestApiVersion" : "RequestApiKey", knownApi ? 2 : 0, detail, header)
    {
        IsUnknownApi = !knownApi;
    }

    /// <summary>The request header (api key, version, correlation id, client id).</summary>
    public new RequestHeader Header => base.Header!;

    /// <summary>True when the API key is not one of <see cref="KafkaApis.All"/>.</summary>
    public bool IsUnknownApi { get; }

    /// <summary>
    /// True when Kafka answers rather than closes: an ApiVersions request of a version outside
    /// the served range (in practice, newer than the maximum) gets UNSUPPORTED_VERSION in a v0
    /// body listing the ApiVersions range, so the client can retry with a version both support.
    /// </summary>
    public bool CanAnswer => Header.ApiKey == ApiKey.ApiVersions;

    /// <inheritdoc />
    public override KafkaProtocolException WithHeader(RequestHeader header) => this;
}
