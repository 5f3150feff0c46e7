using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Bridge.Eventing.Log.Records;
using Confluent.Kafka;

namespace Bridge.Eventing.Bus.Spill;

/// <summary>
/// A back-end node's spill file: what Kafka could not take before the node shut down, appended
/// and fsynced entry by entry, read back and re-injected at the node's next start
/// (<see cref="SpillRecovery"/>). File <c>spill-NODE-UNIXMS.log</c> in the spill directory; each
/// entry is framed <c>length:u32 BE, crc32c(payload):u32 BE, payload</c>, the payload written with
/// <see cref="BinaryWriter"/> (little-endian, 7-bit-encoded lengths): topic, writer id (16 bytes),
/// sequence, the scan-from map (count, then partition and offset), the records (count, then index,
/// partition or -1, timestamp in Unix ms, key and value as length+1 (0 = null) and bytes, headers as
/// count then key and value). A torn last entry (a crash while spilling, whose Ack was never
/// answered) is dropped on reading; a bad checksum anywhere else stops the reading and is reported.
/// </summary>
public sealed class SpillLog : IDisposable
{
    private const int MaxEntryBytes = 256 << 20;
    private readonly FileStream _file;
    private readonly Lock _lock = new();

    /// <summary>Opens a new spill file for node <paramref name="nodeId"/> in <paramref name="directory"/>.</summary>
    public SpillLog(string directory, string nodeId, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, $"spill-{nodeId}-{now.ToUnixTimeMilliseconds()}.log");
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Entries appended.</summary>
    public int Entries { get; private set; }

    /// <summary>Appends <paramref name="entry"/> and flushes it to the disk (fsync) before returning.</summary>
    public void Append(SpillEntry entry)
    {
        var payload = Encode(entry);
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), Crc32C.Compute(payload));
        payload.CopyTo(frame.AsSpan(8));
        lock (_lock)
        {
            _file.Write(frame);
            _file.Flush(flushToDisk: true);
            Entries++;
        }
    }

    /// <summary>The entries of the spill file at <paramref name="path"/>, and an error when it stopped early.</summary>
    /// <returns>The entries read; <c>Problem</c> is null when the file ended cleanly (or with a torn last entry).</returns>
    public static (IReadOnlyList<SpillEntry> Entries, string? Problem) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var entries = new List<SpillEntry>();
        var at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 8) return (entries, null); // torn header at the tail
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
            var crc = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 4));
            if (length > MaxEntryBytes) return (entries, $"entry at byte {at}: length {length} is not plausible");
            if (bytes.Length - at - 8 < length) return (entries, null); // torn payload at the tail
            var payload = bytes.AsSpan(at + 8, (int)length);
            if (Crc32C.Compute(payload) != crc)
                return (entries, at + 8 + length == bytes.Length ? null : $"entry at byte {at}: checksum mismatch");
            try
            {
                entries.Add(Decode(payload.ToArray()));
            }
            catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or FormatException)
            {
                return (entries, $"entry at byte {at}: {e.Message}");
            }
            at += 8 + (int)length;
        }
        return (entries, null);
    }

    private static byte[] Encode(SpillEntry entry)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(entry.Topic);
            w.Write(entry.Writer.ToByteArray());
            w.Write(entry.Sequence);
            w.Write7BitEncodedInt(entry.ScanFrom.Count);
            foreach (var (partition, offset) in entry.ScanFrom)
            {
                w.Write(partition);
                w.Write(offset);
            }
            w.Write7BitEncodedInt(entry.Records.Count);
            foreach (var record in entry.Records)
            {
                w.Write(record.Index);
                w.Write(record.Partition ?? -1);
                w.Write(record.Message.Timestamp.UnixTimestampMs);
                Bytes(w, record.Message.Key);
                Bytes(w, record.Message.Value);
                var headers = record.Message.Headers ?? [];
                w.Write7BitEncodedInt(headers.Count);
                foreach (var header in headers)
                {
                    w.Write(header.Key);
                    Bytes(w, header.GetValueBytes());
                }
            }
        }
        return stream.ToArray();
    }

    private static SpillEntry Decode(byte[] payload)
    {
        using var r = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        var topic = r.ReadString();
        var writer = new Guid(r.ReadBytes(16));
        var sequence = r.ReadUInt64();
        var scanFrom = ImmutableSortedDictionary.CreateBuilder<int, long>();
        for (int i = 0, n = Count(r); i < n; i++) scanFrom[r.ReadInt32()] = r.ReadInt64();
        var records = new List<SpillRecord>();
        for (int i = 0, n = Count(r); i < n; i++)
        {
            var index = r.ReadInt32();
            var partition = r.ReadInt32();
            var timestamp = r.ReadInt64();
            var key = Bytes(r);
            var value = Bytes(r);
            var headers = new Headers();
            for (int h = 0, hn = Count(r); h < hn; h++) headers.Add(r.ReadString(), Bytes(r));
            records.Add(new SpillRecord(index, partition < 0 ? null : partition, new Message<byte[]?, byte[]?>
            {
                Key = key,
                Value = value,
                Headers = headers,
                Timestamp = new Timestamp(timestamp, Confluent.Kafka.TimestampType.CreateTime),
            }));
        }
        if (r.BaseStream.Position != payload.Length) throw new FormatException("trailing bytes");
        return new SpillEntry(topic, writer, sequence, scanFrom.ToImmutable(), records);
    }

    private static int Count(BinaryReader r)
    {
        var n = r.Read7BitEncodedInt();
        if (n < 0 || n > r.BaseStream.Length) throw new FormatException($"count {n} is not plausible");
        return n;
    }

    private static void Bytes(BinaryWriter w, byte[]? bytes)
    {
        w.Write7BitEncodedInt(bytes is null ? 0 : bytes.Length + 1);
        if (bytes is not null) w.Write(bytes);
    }

    private static byte[]? Bytes(BinaryReader r)
    {
        var n = r.Read7BitEncodedInt();
        if (n < 0 || n - 1 > r.BaseStream.Length - r.BaseStream.Position) throw new FormatException($"length {n - 1} is not plausible");
        return n == 0 ? null : r.ReadBytes(n - 1);
    }

    /// <summary>Closes the file; an empty one is deleted.</summary>
    public void Dispose()
    {
        _file.Dispose();
        if (Entries == 0) File.Delete(Path);
    }
}
