namespace Bridge.Eventing.Publishing;

/// <summary>One record for <see cref="RegisteredTopicPublisher"/>: its topic, its key and its Avro value.</summary>
/// <param name="Topic">The topic; one of the publisher's topics.</param>
/// <param name="Key">The Kafka key, written as UTF-8: records with one key go to one partition and keep their order.</param>
/// <param name="Value">The value in the generic datum model (<c>Bridge.Eventing.Avro.Generic.DatumModel</c>), written with the topic's schema.</param>
public sealed record TopicRecord(string Topic, string Key, object? Value);
