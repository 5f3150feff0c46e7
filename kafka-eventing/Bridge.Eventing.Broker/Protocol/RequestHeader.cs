namespace Bridge.Eventing.Broker.Protocol;

/// <summary>
/// A request header (Kafka protocol, RequestHeader.json v1–v2): the API and version of the body
/// that follows, the correlation id the response echoes, and the client id. v2 (flexible
/// requests) adds a tagged-field section; the client id keeps its int16 length in every version
/// so an old broker can still read the header of any ApiVersions request. v0 (no client id) is
/// used only by ControlledShutdown v0, which is not served, so it is never read.
/// </summary>
/// <param name="ApiKey">The API of the body (possibly a key the codec does not serve).</param>
/// <param name="ApiVersion">The version of the body.</param>
/// <param name="CorrelationId">Echoed in the response header.</param>
/// <param name="ClientId">The client's <c>client.id</c>; null when the client sent none.</param>
public sealed record RequestHeader(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId) : IKafkaHeader
{
    /// <summary>Reads a header at <paramref name="headerVersion"/> (1 or 2).</summary>
    /// <exception cref="KafkaProtocolException">Truncated or malformed.</exception>
    public static RequestHeader Read(ref KafkaReader reader, short headerVersion)
    {
        var key = (ApiKey)reader.ReadInt16("RequestApiKey");
        short version = reader.ReadInt16("RequestApiVersion");
        int correlationId = reader.ReadInt32("CorrelationId");
        var header = new RequestHeader(key, version, correlationId, reader.ReadNullableString("ClientId"));
        if (headerVersion >= 2) reader.SkipTaggedFields();
        return header;
    }

    /// <summary>Writes this header at <paramref name="headerVersion"/> (1 or 2).</summary>
    public void Write(ref KafkaWriter writer, short headerVersion)
    {
        writer.WriteInt16((short)ApiKey);
        writer.WriteInt16(ApiVersion);
        writer.WriteInt32(CorrelationId);
        writer.WriteNullableString(ClientId);
        if (headerVersion >= 2) writer.WriteEmptyTaggedFields();
    }
}

/// <summary>
/// A response header (Kafka protocol, ResponseHeader.json v0–v1): the correlation id of the
/// request; v1 (flexible responses other than ApiVersions) adds a tagged-field section.
/// </summary>
/// <param name="CorrelationId">The request's correlation id.</param>
public readonly record struct ResponseHeader(int CorrelationId) : IKafkaHeader
{
    /// <summary>Reads a header at <paramref name="headerVersion"/> (0 or 1).</summary>
    /// <exception cref="KafkaProtocolException">Truncated or malformed.</exception>
    public static ResponseHeader Read(ref KafkaReader reader, short headerVersion)
    {
        var header = new ResponseHeader(reader.ReadInt32("CorrelationId"));
        if (headerVersion >= 1) reader.SkipTaggedFields();
        return header;
    }

    /// <summary>Writes this header at <paramref name="headerVersion"/> (0 or 1).</summary>
    public void Write(ref KafkaWriter writer, short headerVersion)
    {
        writer.WriteInt32(CorrelationId);
        if (headerVersion >= 1) writer.WriteEmptyTaggedFields();
    }
}
