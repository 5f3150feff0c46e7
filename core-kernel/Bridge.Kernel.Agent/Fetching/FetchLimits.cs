namespace Bridge.Kernel.Agent.Fetching;

/// <summary>Bounds on what the fetcher downloads, unpacks and caches. Immutable; create with an object initializer.</summary>
public sealed record FetchLimits
{
    /// <summary>Largest download or local copy of one URI, in bytes (default: 2 GiB). Larger ones fail with <see cref="FetchFailure.TooLarge"/>.</summary>
    public long MaxBytesPerUri { get; init; } = 2L << 30;

    /// <summary>Largest total of file content one archive may unpack to, in bytes (default: 8 GiB); guards against archive bombs.</summary>
    public long MaxExtractedBytesPerUri { get; init; } = 8L << 30;

    /// <summary>Size of the cache, in bytes (default: 2 GiB, Mesos' <c>--fetcher_cache_size</c>). The least recently
    /// used entries not being copied are evicted past it; an entry bigger than the whole cache is used once and dropped.</summary>
    public long CacheMaxBytes { get; init; } = 2L << 30;
}
