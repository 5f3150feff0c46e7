using System.Net;

namespace Bridge.Kernel.Agent.Fetching;

/// <summary>
/// Where a URI's bytes come from: an absolute local path (given bare or as <c>file://</c>) or an
/// <c>http(s)://</c> URL. Mesos' fetcher also resolves relative paths against
/// <c>--frameworks_home</c> and hands other schemes to Hadoop; Bridge has neither, so those are refused.
/// </summary>
internal sealed record UriSource(string Value, string? LocalPath, Uri? Url)
{
    /// <exception cref="FetchException">Empty, relative, a non-local <c>file://</c> host, or an unsupported scheme.</exception>
    public static UriSource Parse(string value)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new FetchException(value, FetchFailure.InvalidUri, "the URI is empty");
        if (value.StartsWith('/')) return new UriSource(value, value, null);
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url))
            throw new FetchException(value, FetchFailure.InvalidUri, "neither an absolute path nor a URL (file://, http://, https://)");
        if (url.Scheme == Uri.UriSchemeFile)
        {
            if (url.Host.Length > 0 && url.Host != "localhost")
                throw new FetchException(value, FetchFailure.InvalidUri, $"file:// URIs must name a local file, not one on host '{url.Host}'");
            return new UriSource(value, url.LocalPath, null);
        }
        if (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) return new UriSource(value, null, url);
        throw new FetchException(value, FetchFailure.UnsupportedScheme, $"scheme '{url.Scheme}' is not supported (absolute paths, file://, http://, https://)");
    }

    /// <summary>The file name the URI suggests: its path's last segment, unescaped; empty when there is none.</summary>
    public string DefaultName =>
        LocalPath is not null ? Path.GetFileName(LocalPath) : Uri.UnescapeDataString(Url!.AbsolutePath.Split('/')[^1]);

    /// <summary>Writes the content to <paramref name="destination"/>.</summary>
    /// <returns>Bytes written.</returns>
    /// <exception cref="FetchException">Not found, an HTTP error, unreachable, or over <paramref name="maxBytes"/>.</exception>
    public Task<long> CopyToAsync(Stream destination, HttpClient http, long maxBytes, CancellationToken cancellationToken) =>
        LocalPath is not null ? CopyLocalAsync(destination, maxBytes, cancellationToken) : DownloadAsync(destination, http, maxBytes, cancellationToken);

    private async Task<long> CopyLocalAsync(Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        if (Directory.Exists(LocalPath)) throw Fail(FetchFailure.InvalidUri, $"{LocalPath} is a directory, not a file");
        try
        {
            await using var source = new FileStream(LocalPath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, useAsync: true);
            if (source.Length > maxBytes) throw TooLarge(source.Length, maxBytes);
            return await CopyCountedAsync(source, destination, maxBytes, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Fail(FetchFailure.NotFound, $"no such file: {LocalPath}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Fail(FetchFailure.Io, $"cannot read {LocalPath}: {e.Message}", e);
        }
    }

    private async Task<long> DownloadAsync(Stream destination, HttpClient http, long maxBytes, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Fail(FetchFailure.HttpError, $"GET {Url} failed: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail(FetchFailure.HttpError, $"GET {Url} timed out after {http.Timeout.TotalSeconds:0.###} s", e);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
                throw new FetchException(Value, response.StatusCode == HttpStatusCode.NotFound ? FetchFailure.NotFound : FetchFailure.HttpError,
                    $"HTTP {status} {response.ReasonPhrase}", httpStatus: status);
            if (response.Content.Headers.ContentLength is { } length && length > maxBytes) throw TooLarge(length, maxBytes);
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                return await CopyCountedAsync(body, destination, maxBytes, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or HttpIOException)
            {
                throw Fail(FetchFailure.HttpError, $"reading the body of GET {Url} failed: {e.Message}", e);
            }
        }
    }

    private async Task<long> CopyCountedAsync(Stream source, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > maxBytes) throw TooLarge(null, maxBytes);
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        return total;
    }

    private FetchException TooLarge(long? size, long maxBytes) => Fail(FetchFailure.TooLarge,
        size is { } s ? $"{s} bytes is more than the limit of {maxBytes} bytes per URI" : $"more than the limit of {maxBytes} bytes per URI");

    private FetchException Fail(FetchFailure failure, string reason, Exception? inner = null) => new(Value, failure, reason, inner);
}
