using System.Buffers.Binary;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Security;
using Bridge.Eventing.V1;
using Bridge.Rpc;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>
/// Checks of what arrives at a node, each failure an INVALID_ARGUMENT naming the field. Topic names
/// follow Kafka's rule (1 to 249 characters of ASCII letters, digits, '.', '_', '-', not "." or "..").
/// </summary>
internal static class RequestValidation
{
    /// <summary>Most records in one Write.</summary>
    public const int MaxRecordsPerWrite = 10_000;

    /// <summary>Most characters in a session id.</summary>
    public const int MaxSessionIdLength = 512;

    private static readonly HashSet<string> ReservedHeaders = [RecordCipher.KeyIdHeader, KafkaRecords.WriteIdHeader];

    /// <summary>Refuses a topic name Kafka would refuse.</summary>
    public static void Topic(string topic)
    {
        if (topic.Length is 0 or > 249 || topic is "." or ".." || !topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw Invalid($"topic: '{Shorten(topic)}' is not a Kafka topic name (1-249 of [a-zA-Z0-9._-])");
    }

    /// <summary>Refuses a missing or oversized session id.</summary>
    public static void SessionId(string id)
    {
        if (id.Length == 0) throw Invalid("session_id: required");
        if (id.Length > MaxSessionIdLength) throw Invalid($"session_id: longer than {MaxSessionIdLength} characters");
    }

    /// <summary>The schema ids of a Write's records, after checking each record's shape.</summary>
    /// <param name="request">The Write.</param>
    /// <param name="partitions">The topic's partitions.</param>
    public static IReadOnlySet<int> WriteRecords(WriteRequest request, IReadOnlyList<int> partitions)
    {
        if (request.Sequence == 0) throw Invalid("sequence: must be at least 1");
        if (request.Records.Count == 0) throw Invalid("records: at least one");
        if (request.Records.Count > MaxRecordsPerWrite) throw Invalid($"records: at most {MaxRecordsPerWrite} per Write");
        var ids = new HashSet<int>();
        for (var i = 0; i < request.Records.Count; i++)
        {
            var record = request.Records[i];
            if (record.HasPartition && !partitions.Contains(record.Partition))
                throw Invalid($"records[{i}].partition: {record.Partition} is not a partition of the topic (0-{partitions.Count - 1})");
            var value = record.Value.Span;
            if (value.Length < ConfluentFraming.HeaderLength || value[0] != ConfluentFraming.MagicByte)
                throw Invalid($"records[{i}].value: not in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body)");
            var id = BinaryPrimitives.ReadInt32BigEndian(value[1..]);
            if (id <= 0) throw Invalid($"records[{i}].value: schema id {id} is not a registry id");
            ids.Add(id);
            for (var h = 0; h < record.Headers.Count; h++)
            {
                var key = record.Headers[h].Key;
                if (key.Length == 0) throw Invalid($"records[{i}].headers[{h}].key: required");
                if (ReservedHeaders.Contains(key)) throw Invalid($"records[{i}].headers[{h}].key: '{key}' is reserved for the bus");
            }
        }
        return ids;
    }

    /// <summary>An INVALID_ARGUMENT error.</summary>
    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
