using System.Buffers;
using Bridge.Eventing.Log.Internal;
using Microsoft.Win32.SafeHandles;
using static Bridge.Eventing.Log.Offsets.OffsetCommitCodec;

namespace Bridge.Eventing.Log.Offsets;

/// <summary>
/// Durable committed offsets of consumer groups: the state Kafka keeps in <c>__consumer_offsets</c>,
/// kept here as an append-only file of CRC-framed entries (see <see cref="OffsetCommitCodec"/>) and
/// an in-memory map rebuilt from it on open.
/// <list type="bullet">
/// <item>Every <see cref="Commit"/>, <see cref="DeleteGroup"/> and <see cref="DeleteTopic"/> appends
/// one entry and fsyncs it before returning, so an acknowledged commit survives kill -9 and power
/// loss. One commit call is one entry: all its offsets land or none do.</item>
/// <item>Open replays the file and cuts a torn or corrupt tail (see <see cref="TruncatedBytes"/>).</item>
/// <item>When the file passes <c>compactThresholdBytes</c> and twice its size after the last
/// compaction, it is rewritten with one commit entry per group (atomically: temp file and rename).</item>
/// </list>
/// Thread-safe: one lock around everything (commits are rare next to produce traffic).
/// </summary>
public sealed class GroupOffsetStore : IDisposable
{
    /// <summary>Kafka's offset.metadata.max.bytes default; longer metadata is the broker's to refuse (OFFSET_METADATA_TOO_LARGE, 12).</summary>
    public const int MaxMetadataBytes = 4096;

    private const long DefaultCompactThresholdBytes = 16 * 1024 * 1024;

    private readonly object _gate = new();
    private readonly string _path;
    private readonly long _compactThresholdBytes;
    private readonly Dictionary<string, Dictionary<TopicPartition, CommittedOffset>> _groups = new(StringComparer.Ordinal);
    private SafeFileHandle _file;
    private long _size;
    private long _sizeAfterCompaction;
    private bool _disposed;

    private GroupOffsetStore(string path, long compactThresholdBytes)
    {
        _path = path;
        _compactThresholdBytes = compactThresholdBytes;
        _file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
    }

    /// <summary>
    /// Opens (creating if needed) the offsets file at <paramref name="path"/> and replays it.
    /// </summary>
    /// <param name="path">The file, e.g. DIR/consumer-offsets.log.</param>
    /// <param name="compactThresholdBytes">Size in bytes from which the file is compacted (default: 16 MiB).</param>
    /// <exception cref="IOException">The file cannot be opened, read or repaired.</exception>
    public static GroupOffsetStore Open(string path, long compactThresholdBytes = DefaultCompactThresholdBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(compactThresholdBytes, 1);
        var store = new GroupOffsetStore(path, compactThresholdBytes);
        try
        {
            store.Replay();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Bytes cut from the end of the file on open (a torn or corrupt last entry).</summary>
    public long TruncatedBytes { get; private set; }

    /// <summary>Current size of the offsets file, bytes.</summary>
    public long FileSizeBytes { get { lock (_gate) return _size; } }

    /// <summary>Groups that have committed offsets, sorted.</summary>
    public IReadOnlyList<string> Groups
    {
        get { lock (_gate) return _groups.Keys.Order(StringComparer.Ordinal).ToArray(); }
    }

    /// <summary>
    /// Stores <paramref name="offsets"/> for <paramref name="groupId"/> (replacing earlier commits of
    /// the same partitions) durably: returns after the entry is fsynced.
    /// </summary>
    /// <exception cref="ArgumentException">A group, topic or metadata string is longer than 32767 UTF-8 bytes, or a partition is negative.</exception>
    /// <exception cref="IOException">The write or fsync failed; the commit is not stored.</exception>
    /// <exception cref="ObjectDisposedException">The store is closed.</exception>
    public void Commit(string groupId, IReadOnlyList<KeyValuePair<TopicPartition, CommittedOffset>> offsets)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(offsets);
        if (offsets.Any(o => o.Key.Partition < 0 || o.Key.Topic is null))
            throw new ArgumentException("Every offset needs a topic and a partition ≥ 0.", nameof(offsets));
        lock (_gate)
        {
            AppendDurably(new CommitEntry(groupId, offsets));
            Apply(new CommitEntry(groupId, offsets));
            MaybeCompact();
        }
    }

    /// <summary>The offset <paramref name="groupId"/> committed for <paramref name="partition"/>, or null.</summary>
    public CommittedOffset? Get(string groupId, TopicPartition partition)
    {
        lock (_gate)
            return _groups.TryGetValue(groupId, out var offsets) && offsets.TryGetValue(partition, out var o) ? o : null;
    }

    /// <summary>Every offset <paramref name="groupId"/> committed (empty for an unknown group).</summary>
    public IReadOnlyDictionary<TopicPartition, CommittedOffset> GetGroup(string groupId)
    {
        lock (_gate)
            return _groups.TryGetValue(groupId, out var offsets) ? new Dictionary<TopicPartition, CommittedOffset>(offsets) : [];
    }

    /// <summary>Forgets every offset of <paramref name="groupId"/> (Kafka's DeleteGroups), durably. False if it had none.</summary>
    /// <exception cref="IOException">The write or fsync failed.</exception>
    public bool DeleteGroup(string groupId)
    {
        lock (_gate)
        {
            if (!_groups.ContainsKey(groupId))
                return false;
            AppendDurably(new DeleteGroupEntry(groupId));
            Apply(new DeleteGroupEntry(groupId));
            return true;
        }
    }

    /// <summary>Forgets every group's offsets for <paramref name="topic"/> (done when the topic is deleted, as Kafka does), durably. Returns how many offsets went.</summary>
    /// <exception cref="IOException">The write or fsync failed.</exception>
    public int DeleteTopic(string topic)
    {
        lock (_gate)
        {
            var count = _groups.Values.Sum(g => g.Keys.Count(tp => tp.Topic == topic));
            if (count == 0)
                return 0;
            AppendDurably(new DeleteTopicEntry(topic));
            Apply(new DeleteTopicEntry(topic));
            return count;
        }
    }

    private void Replay()
    {
        var length = RandomAccess.GetLength(_file);
        var bytes = new byte[length];
        var read = Internal.BatchReader.ReadFully(_file, bytes, 0);
        var position = 0;
        while (TryRead(bytes.AsSpan(position, read - position), out var entry, out var consumed))
        {
            Apply(entry!);
            position += consumed;
        }
        if (position < length)
        {
            RandomAccess.SetLength(_file, position);
            RandomAccess.FlushToDisk(_file);
            TruncatedBytes = length - position;
        }
        _size = _sizeAfterCompaction = position;
    }

    private void Apply(Entry entry)
    {
        switch (entry)
        {
            case CommitEntry c:
                if (!_groups.TryGetValue(c.Group, out var offsets))
                    _groups[c.Group] = offsets = new Dictionary<TopicPartition, CommittedOffset>();
                foreach (var (tp, o) in c.Offsets)
                    offsets[tp] = o;
                break;
            case DeleteGroupEntry g:
                _groups.Remove(g.Group);
                break;
            case DeleteTopicEntry t:
                foreach (var (group, groupOffsets) in _groups.ToList())
                {
                    foreach (var tp in groupOffsets.Keys.Where(k => k.Topic == t.Topic).ToList())
                        groupOffsets.Remove(tp);
                    if (groupOffsets.Count == 0)
                        _groups.Remove(group);
                }
                break;
        }
    }

    private void AppendDurably(Entry entry)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, entry);
        try
        {
            RandomAccess.Write(_file, buffer.WrittenSpan, _size);
            RandomAccess.FlushToDisk(_file);
        }
        catch (IOException)
        {
            try { RandomAccess.SetLength(_file, _size); } catch (IOException) { /* replay cuts it */ }
            throw;
        }
        _size += buffer.WrittenCount;
    }

    /// <summary>Rewrites the file as one commit entry per group once it has grown past the threshold and doubled.</summary>
    private void MaybeCompact()
    {
        if (_size < _compactThresholdBytes || _size < 2 * _sizeAfterCompaction)
            return;
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var (group, offsets) in _groups)
            Write(buffer, new CommitEntry(group, offsets.ToList()));
        try
        {
            // Rename over the open file: POSIX keeps the old inode alive for our handle until we swap.
            DurableFiles.WriteAtomically(_path, buffer.WrittenSpan);
        }
        catch (IOException)
        {
            return; // the commit is durable in the old file; compaction is retried on the next commit
        }
        _file.Dispose();
        try
        {
            _file = File.OpenHandle(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        }
        catch
        {
            _disposed = true; // never append to the replaced inode; later calls throw ObjectDisposedException
            throw;
        }
        _size = _sizeAfterCompaction = buffer.WrittenCount;
    }

    /// <summary>Closes the file. Idempotent.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _file.Dispose();
        }
    }
}
