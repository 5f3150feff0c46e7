namespace Bridge.Eventing.Broker.Protocol.Messages;

/// <summary>
/// DeleteTopics request (Kafka protocol, DeleteTopics v0–v3; DeleteTopicsRequest.json): topic
/// names and a timeout. v0–v3 are identical on the wire.
/// </summary>
/// <remarks>librdkafka 2.0.2 uses up to v1; v3 is the last non-flexible version.</remarks>
public sealed record DeleteTopicsRequest : IKafkaRequest, IKafkaMessage<DeleteTopicsRequest>
{
    /// <summary>DeleteTopics v0–v3; flexible from v4 (not served).</summary>
    public static ApiDescriptor Api { get; } =
        ApiDescriptor.Create<DeleteTopicsRequest, DeleteTopicsResponse>(ApiKey.DeleteTopics, 0, 3, firstFlexibleVersion: 4);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.DeleteTopics;

    /// <summary>Names of the topics to delete.</summary>
    public IReadOnlyList<string> TopicNames { get; init; } = [];

    /// <summary>How long to wait for the deletions, in milliseconds.</summary>
    public int TimeoutMs { get; init; }

    /// <inheritdoc />
    public static DeleteTopicsRequest Read(ref KafkaReader reader, short version) =>
        new() { TopicNames = reader.ReadStringArray("TopicNames"), TimeoutMs = reader.ReadInt32("TimeoutMs") };

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        writer.WriteStringArray(TopicNames);
        writer.WriteInt32(TimeoutMs);
    }
}

/// <summary>
/// DeleteTopics response (Kafka protocol, DeleteTopics v0–v3; DeleteTopicsResponse.json): per
/// topic an error (NONE, UNKNOWN_TOPIC_OR_PARTITION, TOPIC_DELETION_DISABLED from v3).
/// </summary>
public sealed record DeleteTopicsResponse : IKafkaResponse, IKafkaMessage<DeleteTopicsResponse>
{
    /// <summary>One topic's result.</summary>
    /// <param name="Name">Topic name.</param>
    /// <param name="ErrorCode">NONE or why it was not deleted.</param>
    public sealed record Result(string Name, ErrorCode ErrorCode);

    /// <inheritdoc />
    public ApiKey ApiKey => ApiKey.DeleteTopics;

    /// <summary>Throttle time in milliseconds (v1+).</summary>
    public int ThrottleTimeMs { get; init; }

    /// <summary>Results per topic.</summary>
    public IReadOnlyList<Result> Responses { get; init; } = [];

    /// <inheritdoc />
    public static DeleteTopicsResponse Read(ref KafkaReader reader, short version)
    {
        int throttle = version >= 1 ? reader.ReadInt32("ThrottleTimeMs") : 0;
        var results = new Result[reader.ReadArrayLength("Responses", 4)];
        for (int i = 0; i < results.Length; i++)
            results[i] = new Result(reader.ReadString("Name"), (ErrorCode)reader.ReadInt16("ErrorCode"));
        return new DeleteTopicsResponse { ThrottleTimeMs = throttle, Responses = results };
    }

    /// <inheritdoc />
    public void Write(ref KafkaWriter writer, short version)
    {
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        writer.WriteArrayLength(Responses.Count);
        foreach (var r in Responses)
        {
            writer.WriteString(r.Name);
            writer.WriteInt16((short)r.ErrorCode);
        }
    }
}
