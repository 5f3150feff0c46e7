using System.Buffers.Binary;
using Bridge.Eventing.Avro.Framing;
using Bridge.Eventing.Security;
using Bridge.Eventing.V1;
using Confluent.Kafka;
using Google.Protobuf;

namespace Bridge.Eventing.Bus.Backend;

/// <summary>
/// Turns bus records into Kafka messages and back. On the way in, a record's value is encrypted
/// when the topic's policy says so (the key stays plain: Kafka partitions by it), with the key id
/// in the header <c>bridge-key-id</c>, and every record gets the header <c>bridge-write-id</c>
/// (writer id 16 bytes, sequence 8 bytes and index in the batch 4 bytes, big-endian) by which a
/// resumed writer finds what it already published. On the way out, a value with a key id is
/// decrypted (failure is an error, never passed on) and the key-id header dropped.
/// </summary>
internal static class KafkaRecords
{
    /// <summary>The header that identifies a record's writer, sequence and index.</summary>
    public const string WriteIdHeader = "bridge-write-id";

    /// <summary>Length of the <see cref="WriteIdHeader"/> value.</summary>
    public const int WriteIdLength = 28;

    /// <summary>The Kafka message for record <paramref name="index"/> of batch <paramref name="sequence"/>.</summary>
    public static Message<byte[]?, byte[]?> ToKafka(string topic, Record record, Guid writer, ulong sequence, int index, RecordCipher? cipher, DateTime now)
    {
        var headers = new Headers();
        foreach (var header in record.Headers) headers.Add(header.Key, header.Value.ToByteArray());
        var value = record.Value.ToByteArray();
        if (cipher is not null)
        {
            var sealedValue = cipher.Encrypt(topic, value);
            value = sealedValue.Bytes;
            headers.Add(RecordCipher.KeyIdHeader, System.Text.Encoding.UTF8.GetBytes(sealedValue.KeyId));
        }
        headers.Add(WriteIdHeader, WriteId(writer, sequence, index));
        return new Message<byte[]?, byte[]?>
        {
            Key = record.Key.IsEmpty ? null : record.Key.ToByteArray(),
            Value = value,
            Headers = headers,
            Timestamp = record.TimestampMs > 0 ? new Timestamp(record.TimestampMs, TimestampType.CreateTime) : new Timestamp(now, TimestampType.CreateTime),
        };
    }

    /// <summary>The <see cref="WriteIdHeader"/> value.</summary>
    public static byte[] WriteId(Guid writer, ulong sequence, int index)
    {
        var bytes = new byte[WriteIdLength];
        writer.TryWriteBytes(bytes);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), sequence);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(24), index);
        return bytes;
    }

    /// <summary>Reads a <see cref="WriteIdHeader"/> value; false when <paramref name="message"/> has none or a malformed one.</summary>
    public static bool TryReadWriteId(Message<byte[]?, byte[]?> message, out Guid writer, out ulong sequence, out int index)
    {
        writer = default;
        sequence = 0;
        index = 0;
        if (message.Headers is null || !message.Headers.TryGetLastBytes(WriteIdHeader, out var bytes) || bytes.Length != WriteIdLength) return false;
        writer = new Guid(bytes.AsSpan(0, 16));
        sequence = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(16));
        index = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(24));
        return true;
    }

    /// <summary>The bus record for a consumed message, decrypted when it carries a key id.</summary>
    /// <exception cref="RecordDecryptionException">The value does not decrypt: tampered, or a key this node does not hold.</exception>
    public static Record FromKafka(ConsumeResult<byte[]?, byte[]?> result, RecordCipher? cipher)
    {
        var message = result.Message;
        var value = message.Value ?? [];
        var record = new Record
        {
            Partition = result.Partition.Value,
            Offset = result.Offset.Value,
            TimestampMs = message.Timestamp.UnixTimestampMs,
        };
        if (message.Key is { } key) record.Key = ByteString.CopyFrom(key);
        string? keyId = null;
        if (message.Headers is { } headers)
        {
            foreach (var header in headers)
            {
                if (header.Key == RecordCipher.KeyIdHeader) keyId = System.Text.Encoding.UTF8.GetString(header.GetValueBytes());
                else record.Headers.Add(new V1.Header { Key = header.Key, Value = ByteString.CopyFrom(header.GetValueBytes() ?? []) });
            }
        }
        if (keyId is not null)
        {
            if (cipher is null)
                throw new RecordDecryptionException(RecordDecryptionFailure.UnknownKeyId, result.Topic, $"sealed with key '{keyId}' and this node has no key ring");
            value = cipher.Decrypt(result.Topic, keyId, value);
        }
        record.Value = ByteString.CopyFrom(value);
        record.SchemaId = value.Length >= ConfluentFraming.HeaderLength && value[0] == 0 ? BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(1)) : 0;
        return record;
    }
}
