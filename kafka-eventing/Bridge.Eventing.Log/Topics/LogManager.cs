using System.Globalization;
using Bridge.Eventing.Log.Internal;
using Bridge.Eventing.Log.Offsets;
using Bridge.Eventing.Log.Storage;
using Microsoft.Win32.SafeHandles;

namespace Bridge.Eventing.Log.Topics;

/// <summary>Settings of a <see cref="LogManager"/>.</summary>
public sealed record LogManagerOptions
{
    /// <summary>The data directory (Kafka's log.dirs, one directory). Created if missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Config of topics created without one, and of adopted directories (default: <see cref="LogConfig"/> defaults).</summary>
    public LogConfig DefaultConfig { get; init; } = new();

    /// <summary>[num.partitions] Partitions of a topic created with partition count -1 (default: 1).</summary>
    public int DefaultPartitions { get; init; } = 1;

    /// <summary>[log.retention.check.interval.ms] How often retention runs over every log (default: 5 minutes).</summary>
    public TimeSpan RetentionCheckInterval { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Topics × partitions under one data directory, in Kafka's layout:
/// <code>
/// DIR/.lock                  held exclusively while open (a second broker on DIR fails to open)
/// DIR/topics.json            the topic catalog (names, partition counts, configs)
/// DIR/consumer-offsets.log   committed consumer-group offsets (<see cref="GroupOffsetStore"/>)
/// DIR/TOPIC-PARTITION/       one <see cref="PartitionLog"/> per partition
/// </code>
/// Opening recovers every partition log. The catalog is the source of truth: partition directories
/// it does not list (left by a crash during DeleteTopic) are deleted; without any catalog (a
/// directory written by hand or an older layout) existing partition directories are adopted with
/// <see cref="LogManagerOptions.DefaultConfig"/>. Retention runs every
/// <see cref="LogManagerOptions.RetentionCheckInterval"/> on the injected clock.
/// <para>Threading: lookups (<see cref="GetLog"/>, <see cref="GetTopic"/>, <see cref="ListTopics"/>)
/// read an immutable snapshot without locking; create, delete and dispose serialise on a lock. A
/// <see cref="PartitionLog"/> of a topic deleted meanwhile throws <see cref="ObjectDisposedException"/>
/// (a broker answers UNKNOWN_TOPIC_OR_PARTITION).</para>
/// </summary>
public sealed class LogManager : IDisposable
{
    /// <summary>Most partitions one topic may have here.</summary>
    public const int MaxPartitions = 10_000;

    private const string LockFileName = ".lock";
    private const string OffsetsFileName = "consumer-offsets.log";
    private const string DeleteSuffix = "-delete";

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly SafeFileHandle _lock;
    private readonly ITimer _retentionTimer;
    private Dictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private bool _disposed;

    private sealed record Topic(TopicDescription Description, PartitionLog[] Logs);

    private LogManager(LogManagerOptions options, TimeProvider time, SafeFileHandle lockFile)
    {
        Options = options;
        _time = time;
        _lock = lockFile;
        GroupOffsets = GroupOffsetStore.Open(Path.Combine(options.DataDirectory, OffsetsFileName));
        _retentionTimer = time.CreateTimer(_ => RetainOnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Opens the data directory, locks it, loads the catalog and opens (recovers) every partition log.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="IOException">The directory is locked by another LogManager or cannot be read or repaired.</exception>
    /// <exception cref="InvalidDataException">topics.json is corrupt.</exception>
    public static LogManager Open(LogManagerOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.DefaultConfig.Validate() is { } problem)
            throw new ArgumentException(problem, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DefaultPartitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RetentionCheckInterval, TimeSpan.Zero);
        Directory.CreateDirectory(options.DataDirectory);
        var lockFile = File.OpenHandle(Path.Combine(options.DataDirectory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        LogManager? manager = null;
        try
        {
            manager = new LogManager(options, time ?? TimeProvider.System, lockFile);
            manager.LoadTopics();
            manager._retentionTimer.Change(options.RetentionCheckInterval, options.RetentionCheckInterval);
            return manager;
        }
        catch
        {
            if (manager is not null) manager.Dispose();
            else lockFile.Dispose();
            throw;
        }
    }

    /// <summary>The options the manager was opened with.</summary>
    public LogManagerOptions Options { get; }

    /// <summary>Committed consumer-group offsets, stored in DIR/consumer-offsets.log.</summary>
    public GroupOffsetStore GroupOffsets { get; }

    /// <summary>The last exception a periodic retention run hit (null if none); the run goes on with the other logs.</summary>
    public Exception? LastRetentionError { get; private set; }

    /// <summary>Every topic, sorted by name.</summary>
    public IReadOnlyList<TopicDescription> ListTopics() =>
        Volatile.Read(ref _topics).Values.Select(t => t.Description).OrderBy(d => d.Name, StringComparer.Ordinal).ToArray();

    /// <summary>The topic, or null.</summary>
    public TopicDescription? GetTopic(string name) => Volatile.Read(ref _topics).TryGetValue(name, out var t) ? t.Description : null;

    /// <summary>The log of <paramref name="topic"/>/<paramref name="partition"/>, or null when either does not exist.</summary>
    public PartitionLog? GetLog(string topic, int partition) =>
        Volatile.Read(ref _topics).TryGetValue(topic, out var t) && partition >= 0 && partition < t.Logs.Length ? t.Logs[partition] : null;

    /// <summary>
    /// Creates a topic durably (catalog first, then one empty log per partition).
    /// </summary>
    /// <param name="name">A legal Kafka topic name.</param>
    /// <param name="partitions">1..<see cref="MaxPartitions"/>, or -1 for <see cref="LogManagerOptions.DefaultPartitions"/>.</param>
    /// <param name="config">The topic's log settings (default: <see cref="LogManagerOptions.DefaultConfig"/>).</param>
    /// <returns>Ok, TopicAlreadyExists, InvalidTopic, InvalidPartitions or InvalidConfig.</returns>
    /// <exception cref="IOException">The catalog or a partition directory cannot be written.</exception>
    public TopicStatus CreateTopic(string name, int partitions = -1, LogConfig? config = null)
    {
        if (TopicNames.Validate(name) is not null)
            return TopicStatus.InvalidTopic;
        if (partitions == -1)
            partitions = Options.DefaultPartitions;
        if (partitions is < 1 or > MaxPartitions)
            return TopicStatus.InvalidPartitions;
        config ??= Options.DefaultConfig;
        if (config.Validate() is not null)
            return TopicStatus.InvalidConfig;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_topics.ContainsKey(name))
                return TopicStatus.TopicAlreadyExists;
            var description = new TopicDescription(name, partitions, config);
            var existing = _topics.Values.Select(t => t.Description).ToList();
            TopicCatalog.Save(Options.DataDirectory, existing.Append(description));
            PartitionLog[] logs;
            try
            {
                logs = OpenLogs(description);
            }
            catch
            {
                TopicCatalog.Save(Options.DataDirectory, existing); // undo, so a restart does not resurrect it
                throw;
            }
            Publish(description.Name, logs);
            return TopicStatus.Ok;
        }
    }

    /// <summary>
    /// Deletes a topic: removes it from the catalog (durably), closes its logs, deletes their
    /// directories (renamed to TOPIC-PARTITION.ID-delete first, so a crash midway leaves nothing that
    /// looks live) and the groups' committed offsets for it.
    /// </summary>
    /// <returns>Ok, InvalidTopic or UnknownTopic.</returns>
    /// <exception cref="IOException">The catalog or a directory cannot be written or deleted.</exception>
    public TopicStatus DeleteTopic(string name)
    {
        if (TopicNames.Validate(name) is not null)
            return TopicStatus.InvalidTopic;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_topics.TryGetValue(name, out var topic))
                return TopicStatus.UnknownTopic;
            TopicCatalog.Save(Options.DataDirectory, _topics.Values.Select(t => t.Description).Where(d => d.Name != name));
            Publish(name, null);
            foreach (var log in topic.Logs)
            {
                log.Dispose();
                DeleteDirectory(log.Directory);
            }
            GroupOffsets.DeleteTopic(name);
            return TopicStatus.Ok;
        }
    }

    /// <summary>Applies retention to every partition log now (also run by the timer). Returns segments deleted.</summary>
    /// <exception cref="IOException">A segment could not be deleted (the other logs are still processed first).</exception>
    public int ApplyRetention()
    {
        var deleted = 0;
        List<Exception>? errors = null;
        foreach (var log in Volatile.Read(ref _topics).Values.SelectMany(t => t.Logs))
        {
            try { deleted += log.ApplyRetention(); }
            catch (ObjectDisposedException) { /* its topic was deleted meanwhile */ }
            catch (IOException e) { (errors ??= []).Add(e); }
        }
        if (errors is not null)
            throw new IOException($"Retention failed on {errors.Count} log(s); first: {errors[0].Message}", errors[0]);
        return deleted;
    }

    private void RetainOnTimer()
    {
        try { ApplyRetention(); }
        catch (IOException e) { LastRetentionError = e; }
    }

    private void LoadTopics()
    {
        var root = Options.DataDirectory;
        foreach (var leftover in Directory.EnumerateDirectories(root, "*" + DeleteSuffix))
            Directory.Delete(leftover, recursive: true);
        var onDisk = Directory.EnumerateDirectories(root)
            .Select(Path.GetFileName)
            .Select(n => TopicNames.TryParsePartitionDirectory(n!, out var t, out var p) ? (Name: n!, Topic: t, Partition: p) : default)
            .Where(d => d.Name is not null)
            .ToList();
        var catalog = TopicCatalog.TryLoad(root);
        if (catalog is null)
        {
            catalog = onDisk.GroupBy(d => d.Topic)
                .Select(g => new TopicDescription(g.Key, g.Max(d => d.Partition) + 1, Options.DefaultConfig))
                .ToList();
            TopicCatalog.Save(root, catalog);
        }
        var live = catalog.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var orphan in onDisk.Where(d => !live.TryGetValue(d.Topic, out var t) || d.Partition >= t.Partitions))
            DeleteDirectory(Path.Combine(root, orphan.Name));
        foreach (var description in catalog)
            Publish(description.Name, OpenLogs(description));
    }

    private PartitionLog[] OpenLogs(TopicDescription topic)
    {
        var logs = new List<PartitionLog>(topic.Partitions);
        try
        {
            for (var p = 0; p < topic.Partitions; p++)
                logs.Add(PartitionLog.Open(Path.Combine(Options.DataDirectory, TopicNames.PartitionDirectory(topic.Name, p)), topic.Config, _time));
            DurableFiles.SyncDirectory(Options.DataDirectory);
            return logs.ToArray();
        }
        catch
        {
            logs.ForEach(l => l.Dispose());
            throw;
        }
    }

    /// <summary>Copy-on-write update of the topic snapshot. Caller holds the gate (or is still opening).</summary>
    private void Publish(string name, PartitionLog[]? logs)
    {
        var next = new Dictionary<string, Topic>(_topics, StringComparer.Ordinal);
        if (logs is null) next.Remove(name);
        else next[name] = new Topic(new TopicDescription(name, logs.Length, logs[0].Config), logs);
        Volatile.Write(ref _topics, next);
    }

    private static void DeleteDirectory(string directory)
    {
        var doomed = $"{directory}.{Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)}{DeleteSuffix}";
        Directory.Move(directory, doomed);
        DurableFiles.SyncDirectory(Path.GetDirectoryName(doomed)!);
        Directory.Delete(doomed, recursive: true);
    }

    /// <summary>Stops retention, closes every log (fsyncing active segments), the offsets store and the lock. Idempotent.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _retentionTimer.Dispose();
            foreach (var log in _topics.Values.SelectMany(t => t.Logs))
                log.Dispose();
            GroupOffsets.Dispose();
            _lock.Dispose();
        }
    }
}
