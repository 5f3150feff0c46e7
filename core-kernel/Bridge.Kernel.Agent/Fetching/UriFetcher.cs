using System.Globalization;
using Bridge.Kernel.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.Agent.Fetching;

/// <summary>One URI fetched into a sandbox.</summary>
/// <param name="Uri">The URI's <c>value</c>.</param>
/// <param name="Path">Absolute path of the fetched file in the sandbox.</param>
/// <param name="Bytes">Its size in bytes.</param>
/// <param name="FromCache">Copied from the cache: another fetch had already downloaded it (or was downloading it).</param>
/// <param name="ExtractedEntries">Archive entries unpacked into the sandbox (0 when not extracted).</param>
public sealed record FetchedUri(string Uri, string Path, long Bytes, bool FromCache, int ExtractedEntries);

/// <summary>
/// Fetches a CommandInfo's URIs into a task's sandbox before the task starts, like Mesos' fetcher
/// (<c>src/launcher/fetcher.cpp</c>, <c>src/slave/containerizer/fetcher.cpp</c>): absolute local paths,
/// <c>file://</c>, <c>http://</c> and <c>https://</c>; each lands at <c>output_file</c> or the URI's last
/// path segment; then <c>executable</c> sets mode 0755, or else <c>extract</c> (unset means true)
/// unpacks .tar, .tar.gz/.tgz, .tar.bz2/.tbz2, .tar.xz/.txz and .zip into the sandbox, keeping the
/// archive. With <c>cache</c>, the download is kept in the cache directory, keyed by the URI's value,
/// and later fetches copy it from there. Thread-safe: one fetcher serves every task of an agent.
/// </summary>
public sealed partial class UriFetcher : IDisposable
{
    private readonly HttpClient _http;
    private readonly FetchLimits _limits;
    private readonly FetcherCache _cache;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>A fetcher with its cache in <paramref name="cacheDirectory"/>.</summary>
    /// <param name="cacheDirectory">Directory of the cache; created if missing. Cache files of an earlier run in it are deleted.</param>
    /// <param name="httpClient">Client for http(s) URIs; its timeout and redirect policy apply. Not disposed here.</param>
    /// <param name="limits">Size limits (default: <see cref="FetchLimits"/>' defaults).</param>
    /// <param name="logger">Where fetches are logged (default: nowhere).</param>
    /// <param name="timeProvider">Clock for the fetch log's timestamps (default: system).</param>
    public UriFetcher(string cacheDirectory, HttpClient httpClient, FetchLimits? limits = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _http = httpClient;
        _limits = limits ?? new FetchLimits();
        _cache = new FetcherCache(cacheDirectory, _limits.CacheMaxBytes);
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Bytes the cache holds now.</summary>
    public long CacheBytes => _cache.TotalBytes;

    /// <summary>
    /// Fetches <paramref name="uris"/> in order into <paramref name="sandboxDirectory"/> (created if
    /// missing), stopping at the first failure. When <paramref name="logFile"/> is given (absolute, or
    /// relative to the sandbox), one line per URI is appended to it, as Mesos' fetcher writes to the
    /// sandbox's <c>stderr</c>: the outcome, or the failure.
    /// </summary>
    /// <returns>What was fetched, one per URI, in order.</returns>
    /// <exception cref="FetchException">A URI could not be fetched; names the URI and the reason.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<IReadOnlyList<FetchedUri>> FetchAsync(IReadOnlyList<CommandInfo.Types.URI> uris, string sandboxDirectory,
        string? logFile = null, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(sandboxDirectory).TrimEnd('/');
        Directory.CreateDirectory(root);
        var log = logFile is null ? null : Path.Combine(root, logFile);
        var fetched = new List<FetchedUri>(uris.Count);
        foreach (var uri in uris)
        {
            try
            {
                var result = await FetchOneAsync(uri, root, cancellationToken);
                fetched.Add(result);
                LogFetched(_logger, uri.Value, result.Path, result.Bytes, result.FromCache);
                await AppendAsync(log, Describe(root, result), cancellationToken);
            }
            catch (FetchException e)
            {
                LogFailed(_logger, e.Message);
                await AppendAsync(log, e.Message, cancellationToken);
                throw;
            }
        }
        return fetched;
    }

    /// <summary>Stops downloads still running for the cache.</summary>
    public void Dispose() => _cache.Dispose();

    private async Task<FetchedUri> FetchOneAsync(CommandInfo.Types.URI uri, string root, CancellationToken cancellationToken)
    {
        var source = UriSource.Parse(uri.Value);
        var destination = Destination(uri, source, root);
        var partial = $"{destination}.fetching-{Guid.NewGuid():N}";
        try
        {
            long bytes;
            var fromCache = false;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true))
            {
                if (uri.Cache)
                {
                    using var lease = await _cache.AcquireAsync(uri.Value, (s, t) => source.CopyToAsync(s, _http, _limits.MaxBytesPerUri, t), cancellationToken);
                    fromCache = lease.Hit;
                    await using (var cached = new FileStream(lease.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true))
                        await cached.CopyToAsync(file, cancellationToken);
                    bytes = lease.Bytes;
                }
                else
                {
                    bytes = await source.CopyToAsync(file, _http, _limits.MaxBytesPerUri, cancellationToken);
                }
            }
            // A rename replaces whatever is there, a link included, without following it.
            File.Move(partial, destination, overwrite: true);
            var entries = 0;
            if (uri.Executable)
                FileModes.Set(destination, (UnixFileMode)0x1ED); // 0755
            else if ((!uri.HasExtract || uri.Extract) && ArchiveExtractor.Detect(destination) is { } kind)
                entries = await ExtractAsync(uri, destination, kind, root, cancellationToken);
            return new FetchedUri(uri.Value, destination, bytes, fromCache, entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FetchException(uri.Value, FetchFailure.Io, $"writing {destination} failed: {e.Message}", e);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static string Destination(CommandInfo.Types.URI uri, UriSource source, string root)
    {
        var name = uri.OutputFile.Length > 0 ? uri.OutputFile : source.DefaultName;
        var what = uri.OutputFile.Length > 0 ? "output_file" : "the URI's file name";
        if (name.Length == 0) throw new FetchException(uri.Value, FetchFailure.InvalidUri, "the URI names no file; set output_file");
        var relative = SandboxPaths.Normalize(name);
        if (relative is null or "")
            throw new FetchException(uri.Value, FetchFailure.InvalidUri, $"{what} '{name}' is not a relative path inside the sandbox");
        if (!SandboxPaths.StaysInside(root, SandboxPaths.Parent(relative)))
            throw new FetchException(uri.Value, FetchFailure.InvalidUri, $"{what} '{name}' leads out of the sandbox through a link");
        var destination = $"{root}/{relative}";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FetchException(uri.Value, FetchFailure.Io, $"creating the directory of {destination} failed: {e.Message}", e);
        }
        return destination;
    }

    private async Task<int> ExtractAsync(CommandInfo.Types.URI uri, string archive, ArchiveKind kind, string root, CancellationToken cancellationToken)
    {
        try
        {
            return await ArchiveExtractor.ExtractAsync(archive, kind, root, _limits.MaxExtractedBytesPerUri, cancellationToken);
        }
        catch (ArchiveException e)
        {
            throw new FetchException(uri.Value, e.Failure, $"{Path.GetFileName(archive)}: {e.Message}", e);
        }
    }

    private string Describe(string root, FetchedUri result)
    {
        var notes = new List<string> { $"{result.Bytes} bytes" };
        if (result.FromCache) notes.Add("from the cache");
        if (result.ExtractedEntries > 0) notes.Add(result.ExtractedEntries == 1 ? "1 entry extracted" : $"{result.ExtractedEntries} entries extracted");
        return $"Fetched '{result.Uri}' to '{Path.GetRelativePath(root, result.Path)}' ({string.Join(", ", notes)})";
    }

    private async Task AppendAsync(string? log, string line, CancellationToken cancellationToken)
    {
        if (log is null) return;
        var stamp = _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        await File.AppendAllTextAsync(log, $"{stamp} fetcher: {line}\n", cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched {Uri} to {Path} ({Bytes} bytes, from cache: {FromCache})")]
    private static partial void LogFetched(ILogger logger, string uri, string path, long bytes, bool fromCache);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogFailed(ILogger logger, string message);
}
