using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Bridge.Eventing.Log.Records;

namespace Bridge.Eventing.Log.Offsets;

/// <summary>A topic partition.</summary>
/// <param name="Topic">Topic name.</param>
/// <param name="Partition">Partition index (≥ 0).</param>
public readonly record struct TopicPartition(string Topic, int Partition);

/// <summary>An offset a consumer group committed for one partition (Kafka's OffsetCommit fields).</summary>
/// <param name="Offset">The next offset the group will consume.</param>
/// <param name="LeaderEpoch">committed_leader_epoch (-1: unknown).</param>
/// <param name="Metadata">Client metadata string, or null.</param>
/// <param name="CommitTimestampMs">When the broker stored the commit, ms since the Unix epoch.</param>
public sealed record CommittedOffset(long Offset, int LeaderEpoch, string? Metadata, long CommitTimestampMs);

/// <summary>
/// Entries of the offsets file, each framed as <c>length: int32, crc: uint32 (CRC-32C of payload),
/// payload</c> (big-endian; length counts the payload only). Payloads:
/// <code>
/// 1 commit:       type int8 = 1, group str, count int32, count × (topic str, partition int32,
///                 offset int64, leaderEpoch int32, metadata nullable str, commitTimestampMs int64)
/// 2 delete group: type int8 = 2, group str
/// 3 delete topic: type int8 = 3, topic str
/// </code>
/// where str is an int16 byte length and UTF-8 bytes (nullable str: length -1 for null).
/// </summary>
internal static class OffsetCommitCodec
{
    public const byte Commit = 1, DeleteGroup = 2, DeleteTopic = 3;
    public const int FrameOverhead = 8;

    public abstract record Entry;
    public sealed record CommitEntry(string Group, IReadOnlyList<KeyValuePair<TopicPartition, CommittedOffset>> Offsets) : Entry;
    public sealed record DeleteGroupEntry(string Group) : Entry;
    public sealed record DeleteTopicEntry(string Topic) : Entry;

    public static void Write(ArrayBufferWriter<byte> output, Entry entry)
    {
        var payload = new ArrayBufferWriter<byte>();
        switch (entry)
        {
            case CommitEntry c:
                WriteByte(payload, Commit);
                WriteString(payload, c.Group);
                WriteInt32(payload, c.Offsets.Count);
                foreach (var (tp, o) in c.Offsets)
                {
                    WriteString(payload, tp.Topic);
                    WriteInt32(payload, tp.Partition);
                    WriteInt64(payload, o.Offset);
                    WriteInt32(payload, o.LeaderEpoch);
                    WriteString(payload, o.Metadata);
                    WriteInt64(payload, o.CommitTimestampMs);
                }
                break;
            case DeleteGroupEntry g:
                WriteByte(payload, DeleteGroup);
                WriteString(payload, g.Group);
                break;
            case DeleteTopicEntry t:
                WriteByte(payload, DeleteTopic);
                WriteString(payload, t.Topic);
                break;
        }
        WriteInt32(output, payload.WrittenCount);
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), Crc32C.Compute(payload.WrittenSpan));
        output.Advance(4);
        output.Write(payload.WrittenSpan);
    }

    /// <summary>
    /// Reads the entry at the start of <paramref name="bytes"/>; false (consumed 0) when the frame is
    /// incomplete, fails its CRC or does not parse — the torn or corrupt tail recovery cuts off.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out Entry? entry, out int consumed)
    {
        entry = null;
        consumed = 0;
        if (bytes.Length < FrameOverhead)
            return false;
        var length = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (length < 1 || length > bytes.Length - FrameOverhead)
            return false;
        var payload = bytes.Slice(FrameOverhead, length);
        if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]))
            return false;
        try
        {
            var reader = new SpanReader(payload);
            entry = reader.ReadByte() switch
            {
                Commit => ReadCommit(ref reader),
                DeleteGroup => new DeleteGroupEntry(reader.ReadString()!),
                DeleteTopic => new DeleteTopicEntry(reader.ReadString()!),
                _ => null,
            };
            if (entry is null || !reader.AtEnd)
                return false;
        }
        catch (FormatException)
        {
            return false;
        }
        consumed = FrameOverhead + length;
        return true;
    }

    private static CommitEntry ReadCommit(ref SpanReader reader)
    {
        var group = reader.ReadString() ?? throw new FormatException("null group");
        var count = reader.ReadInt32();
        if (count < 0) throw new FormatException("negative count");
        var offsets = new List<KeyValuePair<TopicPartition, CommittedOffset>>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            var tp = new TopicPartition(reader.ReadString() ?? throw new FormatException("null topic"), reader.ReadInt32());
            var offset = new CommittedOffset(reader.ReadInt64(), reader.ReadInt32(), reader.ReadString(), reader.ReadInt64());
            offsets.Add(new(tp, offset));
        }
        return new CommitEntry(group, offsets);
    }

    /// <exception cref="ArgumentException">The UTF-8 form is longer than 32767 bytes.</exception>
    private static void WriteString(ArrayBufferWriter<byte> output, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt16BigEndian(output.GetSpan(2), -1);
            output.Advance(2);
            return;
        }
        var count = Encoding.UTF8.GetByteCount(value);
        if (count > short.MaxValue)
            throw new ArgumentException($"A string of {count} UTF-8 bytes is longer than the offsets file allows ({short.MaxValue}).");
        BinaryPrimitives.WriteInt16BigEndian(output.GetSpan(2), (short)count);
        output.Advance(2);
        output.Advance(Encoding.UTF8.GetBytes(value, output.GetSpan(count)));
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value) { output.GetSpan(1)[0] = value; output.Advance(1); }
    private static void WriteInt32(ArrayBufferWriter<byte> output, int value) { BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(4), value); output.Advance(4); }
    private static void WriteInt64(ArrayBufferWriter<byte> output, long value) { BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(8), value); output.Advance(8); }

    private ref struct SpanReader(ReadOnlySpan<byte> span)
    {
        private ReadOnlySpan<byte> _span = span;

        public readonly bool AtEnd => _span.IsEmpty;

        public byte ReadByte() => Take(1)[0];
        public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));
        public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

        public string? ReadString()
        {
            var length = BinaryPrimitives.ReadInt16BigEndian(Take(2));
            if (length == -1) return null;
            if (length < 0) throw new FormatException("negative string length");
            return Encoding.UTF8.GetString(Take(length));
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _span.Length) throw new FormatException("entry ends early");
            var taken = _span[..count];
            _span = _span[count..];
            return taken;
        }
    }
}
