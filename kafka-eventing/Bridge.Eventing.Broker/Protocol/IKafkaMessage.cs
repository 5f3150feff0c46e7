namespace Bridge.Eventing.Broker.Protocol;

/// <summary>A request or response body of one Kafka API, writable at any version the codec serves.</summary>
public interface IKafkaMessage
{
    /// <summary>The API this message belongs to.</summary>
    ApiKey ApiKey { get; }

    /// <summary>
    /// Writes the body (no size prefix, no header) at <paramref name="version"/>. Fields the spec
    /// does not define at that version are not written; the reader gives them the spec default.
    /// </summary>
    void Write(ref KafkaWriter writer, short version);
}

/// <summary>A message type that can also be read, at any version the codec serves.</summary>
/// <typeparam name="TSelf">The message type.</typeparam>
public interface IKafkaMessage<TSelf> : IKafkaMessage where TSelf : IKafkaMessage<TSelf>
{
    /// <summary>Reads the body at <paramref name="version"/>; fields absent at that version get the spec default.</summary>
    /// <exception cref="KafkaProtocolException">The bytes do not follow the spec.</exception>
    static abstract TSelf Read(ref KafkaReader reader, short version);
}

/// <summary>A request body (client to broker).</summary>
public interface IKafkaRequest : IKafkaMessage;

/// <summary>A response body (broker to client).</summary>
public interface IKafkaResponse : IKafkaMessage;
