using Bridge.Kernel.Agent.Fetching;
using Bridge.Kernel.V1;

namespace Bridge.Kernel.Tests.Agent.Fetching;

/// <summary>A loopback HTTP server with files to serve, a work directory (cache, sandboxes, outside), and a fetcher.</summary>
internal sealed class FetcherHarness : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private int _sandboxes;

    private FetcherHarness(LoopbackHttpServer server, FetchLimits? limits)
    {
        Server = server;
        Fetcher = new UriFetcher(Work.Combine("cache"), _http, limits);
    }

    public static async Task<FetcherHarness> StartAsync(FetchLimits? limits = null) => new(await LoopbackHttpServer.StartAsync(), limits);

    public LoopbackHttpServer Server { get; }

    public TempDirectory Work { get; } = new();

    public UriFetcher Fetcher { get; }

    /// <summary>The URL of <paramref name="path"/> on the server.</summary>
    public string Url(string path) => new Uri(Server.BaseAddress, path).ToString();

    /// <summary>A new sandbox directory, under <c>sandboxes/</c> so that <c>..</c> from it lands in the work directory.</summary>
    public string NewSandbox() => Work.Combine("sandboxes", $"s{Interlocked.Increment(ref _sandboxes)}");

    public Task<IReadOnlyList<FetchedUri>> FetchAsync(string sandbox, params CommandInfo.Types.URI[] uris) =>
        Fetcher.FetchAsync(uris, sandbox, "stderr");

    public async Task<FetchException> FailAsync(string sandbox, params CommandInfo.Types.URI[] uris) =>
        await Assert.ThrowsAsync<FetchException>(() => FetchAsync(sandbox, uris));

    /// <summary>Every file and link under the work directory, except in the sandboxes and the cache.</summary>
    public IEnumerable<string> Outside() => Directory.EnumerateFileSystemEntries(Work.Path, "*", SearchOption.AllDirectories)
        .Where(p => !p.StartsWith(Work.Combine("sandboxes"), StringComparison.Ordinal) && !p.StartsWith(Work.Combine("cache"), StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        Fetcher.Dispose();
        _http.Dispose();
        await Server.DisposeAsync();
        Work.Dispose();
    }
}
