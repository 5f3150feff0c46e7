using System.Security.Cryptography;
using System.Text;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.Agent.Fetching;

/// <summary>
/// The fetcher cache (Mesos' <c>FetcherProcess::Cache</c>): one file per URI, named by the SHA-256
/// of the URI, in one directory. Concurrent requests for a URI share one download. Entries being
/// copied out are leased and never evicted; past the size limit the least recently used others go.
/// A failed download leaves no entry, so the next request tries again. Like Mesos, the cache does
/// not outlive the agent: files left from an earlier run are deleted when it is created.
/// </summary>
internal sealed class FetcherCache : IDisposable
{
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _lifetime = new();
    private long _totalBytes;
    private long _clock;

    public FetcherCache(string directory, long maxBytes)
    {
        _directory = Path.GetFullPath(directory);
        _maxBytes = maxBytes;
        Directory.CreateDirectory(_directory);
        foreach (var file in Directory.EnumerateFiles(_directory).Where(f => IsOurs(Path.GetFileName(f)))) File.Delete(file);
    }

    /// <summary>Bytes held by completed entries.</summary>
    public long TotalBytes
    {
        get { lock (_gate) return _totalBytes; }
    }

    /// <summary>
    /// A lease on the cached copy of <paramref name="key"/>, downloading it with <paramref name="download"/>
    /// (given a stream to write; returns the bytes written) when no one has yet. The download is shared,
    /// so one caller cancelling does not cancel it for the others.
    /// </summary>
    public async Task<Lease> AcquireAsync(string key, Func<Stream, CancellationToken, Task<long>> download, CancellationToken cancellationToken)
    {
        Entry entry;
        bool hit;
        lock (_gate)
        {
            hit = _entries.TryGetValue(key, out entry!);
            if (!hit)
            {
                entry = new Entry(Path.Combine(_directory, Name(key)));
                _entries[key] = entry;
                entry.Download = DownloadAsync(key, entry, download);
            }
            entry.Users++;
            entry.LastUse = ++_clock;
        }
        try
        {
            await entry.Download.WaitAsync(cancellationToken);
        }
        catch
        {
            Release(entry);
            throw;
        }
        return new Lease(this, entry, hit);
    }

    public void Dispose() => _lifetime.Cancel();

    private async Task DownloadAsync(string key, Entry entry, Func<Stream, CancellationToken, Task<long>> download)
    {
        await Task.Yield(); // the caller's lock is released before any I/O starts
        var partial = $"{entry.Path}.part-{Guid.NewGuid():N}";
        try
        {
            long bytes;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true))
                bytes = await download(file, _lifetime.Token);
            File.Move(partial, entry.Path, overwrite: true);
            lock (_gate)
            {
                entry.Bytes = bytes;
                _totalBytes += bytes;
                entry.Complete = true;
            }
        }
        catch
        {
            File.Delete(partial);
            lock (_gate)
                if (_entries.TryGetValue(key, out var current) && current == entry) _entries.Remove(key);
            throw;
        }
    }

    private void Release(Entry entry)
    {
        lock (_gate)
        {
            entry.Users--;
            Evict();
        }
    }

    // Called under _gate.
    private void Evict()
    {
        while (_totalBytes > _maxBytes)
        {
            var victim = _entries.Where(e => e.Value.Complete && e.Value.Users == 0).MinBy(e => e.Value.LastUse);
            if (victim.Value is null) return; // everything left is in use
            _entries.Remove(victim.Key);
            _totalBytes -= victim.Value.Bytes;
            File.Delete(victim.Value.Path);
        }
    }

    private static string Name(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static bool IsOurs(string fileName) =>
        fileName.Length >= 64 && fileName[..64].All(Uri.IsHexDigit) && (fileName.Length == 64 || fileName[64..].StartsWith(".part-", StringComparison.Ordinal));

    internal sealed class Entry(string path)
    {
        public string Path { get; } = path;
        public Task Download { get; set; } = Task.CompletedTask;
        public bool Complete { get; set; }
        public long Bytes { get; set; }
        public int Users { get; set; }
        public long LastUse { get; set; }
    }

    /// <summary>Use of a cached file; while held, the file stays. Dispose when copied.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly FetcherCache _cache;
        private readonly Entry _entry;
        private bool _released;

        internal Lease(FetcherCache cache, Entry entry, bool hit)
        {
            _cache = cache;
            _entry = entry;
            Hit = hit;
        }

        /// <summary>The cached file.</summary>
        public string Path => _entry.Path;

        /// <summary>Its size in bytes.</summary>
        public long Bytes => _entry.Bytes;

        /// <summary>Whether another request had already started the download.</summary>
        public bool Hit { get; }

        public void Dispose()
        {
            if (_released) return;
            _released = true;
            _cache.Release(_entry);
        }
    }
}
