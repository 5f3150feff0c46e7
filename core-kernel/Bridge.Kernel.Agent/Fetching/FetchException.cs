namespace Bridge.Kernel.Agent.Fetching;

/// <summary>Why a URI could not be fetched.</summary>
public enum FetchFailure
{
    /// <summary>The value is empty, relative, or names no file (and no <c>output_file</c> is given), or <c>output_file</c> leaves the sandbox.</summary>
    InvalidUri,
    /// <summary>A scheme other than <c>file</c>, <c>http</c> and <c>https</c> (e.g. <c>hdfs</c>, <c>s3</c>, <c>ftp</c>).</summary>
    UnsupportedScheme,
    /// <summary>No such local file, or HTTP 404.</summary>
    NotFound,
    /// <summary>Any other HTTP status outside 2xx, or the server could not be reached.</summary>
    HttpError,
    /// <summary>The content, or an archive's extracted content, is over the limit in <see cref="FetchLimits"/>.</summary>
    TooLarge,
    /// <summary>A corrupt archive, or one with entries that would land outside the sandbox.</summary>
    BadArchive,
    /// <summary>Reading or writing local files failed (permissions, full disk, a missing decompressor).</summary>
    Io,
}

/// <summary>A URI of a CommandInfo could not be fetched into the sandbox.</summary>
public sealed class FetchException : Exception
{
    /// <summary>An error about <paramref name="uri"/>; the message reads <c>Failed to fetch 'URI': REASON</c>.</summary>
    public FetchException(string uri, FetchFailure failure, string reason, Exception? inner = null, int? httpStatus = null)
        : base($"Failed to fetch '{uri}': {reason}", inner)
    {
        Uri = uri;
        Failure = failure;
        Reason = reason;
        HttpStatus = httpStatus;
    }

    /// <summary>The URI's <c>value</c>, as given.</summary>
    public string Uri { get; }

    /// <summary>The kind of failure.</summary>
    public FetchFailure Failure { get; }

    /// <summary>What went wrong, e.g. <c>HTTP 404 Not Found</c> or <c>more than 1048576 bytes (the limit per URI)</c>.</summary>
    public string Reason { get; }

    /// <summary>The HTTP status the server answered, when it answered one outside 2xx.</summary>
    public int? HttpStatus { get; }
}
