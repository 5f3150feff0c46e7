using System.Text;
using Bridge.Kernel.Agent.Fetching;
using Microsoft.AspNetCore.Http;
using Task = System.Threading.Tasks.Task;
using URI = Bridge.Kernel.V1.CommandInfo.Types.URI;

namespace Bridge.Kernel.Tests.Agent.Fetching;

public class FetcherCacheTests
{
    [Fact]
    public async Task CachedUri_SecondFetch_CopiesFromTheCacheWithoutDownloading()
    {
        await using var h = await FetcherHarness.StartAsync();
        h.Server.Serve(new Dictionary<string, byte[]> { ["/app.tar.gz"] = Archives.TarGz(new ArchiveEntry("bin/app", "v1")) });
        var uri = new URI { Value = h.Url("/app.tar.gz"), Cache = true };
        var first = h.NewSandbox();
        var second = h.NewSandbox();

        var miss = Assert.Single(await h.FetchAsync(first, uri));
        var hit = Assert.Single(await h.FetchAsync(second, uri));

        Assert.False(miss.FromCache);
        Assert.True(hit.FromCache);
        Assert.Equal(1, h.Server.Hits("/app.tar.gz"));
        Assert.Equal("v1", await File.ReadAllTextAsync(Path.Combine(second, "bin", "app")));
        Assert.Equal(miss.Bytes, h.Fetcher.CacheBytes);
        Assert.Contains($"({hit.Bytes} bytes, from the cache, 1 entry extracted)", await File.ReadAllTextAsync(Path.Combine(second, "stderr")));
    }

    [Fact]
    public async Task ConcurrentFetchesOfOneUri_DownloadOnce()
    {
        await using var h = await FetcherHarness.StartAsync();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Server.Handler = async context =>
        {
            arrived.TrySetResult();
            await release.Task;
            await context.Response.WriteAsync("shared");
        };
        var uri = new URI { Value = h.Url("/shared.txt"), Cache = true };
        var sandboxes = Enumerable.Range(0, 3).Select(_ => h.NewSandbox()).ToList();

        var fetches = sandboxes.Select(s => h.FetchAsync(s, uri)).ToList();
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();
        var results = await Task.WhenAll(fetches).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, h.Server.Hits("/shared.txt"));
        Assert.Equal(1, results.Count(r => !r[0].FromCache));
        foreach (var sandbox in sandboxes) Assert.Equal("shared", await File.ReadAllTextAsync(Path.Combine(sandbox, "shared.txt")));
    }

    [Fact]
    public async Task FailedDownload_IsNotCached_NextFetchTriesAgain()
    {
        await using var h = await FetcherHarness.StartAsync();
        h.Server.Serve(new Dictionary<string, byte[]>());
        var uri = new URI { Value = h.Url("/later.txt"), Cache = true };
        Assert.Equal(FetchFailure.NotFound, (await h.FailAsync(h.NewSandbox(), uri)).Failure);

        h.Server.Serve(new Dictionary<string, byte[]> { ["/later.txt"] = Encoding.UTF8.GetBytes("now") });
        var fetched = Assert.Single(await h.FetchAsync(h.NewSandbox(), uri));

        Assert.False(fetched.FromCache);
        Assert.Equal(2, h.Server.Hits("/later.txt"));
        Assert.Empty(Directory.GetFiles(h.Work.Combine("cache"), "*.part-*"));
    }

    [Fact]
    public async Task CacheFull_LeastRecentlyUsedEntryEvicted()
    {
        await using var h = await FetcherHarness.StartAsync(new FetchLimits { CacheMaxBytes = 250 });
        h.Server.Serve(new Dictionary<string, byte[]> { ["/a"] = new byte[100], ["/b"] = new byte[100], ["/c"] = new byte[100] });
        URI Cached(string path) => new() { Value = h.Url(path), Cache = true };

        await h.FetchAsync(h.NewSandbox(), Cached("/a"));
        await h.FetchAsync(h.NewSandbox(), Cached("/b"));
        await h.FetchAsync(h.NewSandbox(), Cached("/a")); // a is now the most recently used
        await h.FetchAsync(h.NewSandbox(), Cached("/c")); // 300 bytes > 250: b goes
        await h.FetchAsync(h.NewSandbox(), Cached("/a"));
        await h.FetchAsync(h.NewSandbox(), Cached("/b"));

        Assert.Equal((1, 2, 1), (h.Server.Hits("/a"), h.Server.Hits("/b"), h.Server.Hits("/c")));
        Assert.True(h.Fetcher.CacheBytes <= 250);
        Assert.Equal(2, Directory.GetFiles(h.Work.Combine("cache")).Length);
    }

    [Fact]
    public async Task EntryLargerThanTheCache_UsedOnceThenDropped()
    {
        await using var h = await FetcherHarness.StartAsync(new FetchLimits { CacheMaxBytes = 50 });
        h.Server.Serve(new Dictionary<string, byte[]> { ["/big"] = new byte[100] });
        var fetched = Assert.Single(await h.FetchAsync(h.NewSandbox(), new URI { Value = h.Url("/big"), Cache = true }));
        Assert.Equal(100, new FileInfo(fetched.Path).Length);
        Assert.Equal(0, h.Fetcher.CacheBytes);
        Assert.Empty(Directory.GetFiles(h.Work.Combine("cache")));
    }

    [Fact]
    public async Task NewFetcher_DeletesCacheFilesOfAnEarlierRun_AndNothingElse()
    {
        using var work = new TempDirectory();
        var cache = work.Combine("cache");
        Directory.CreateDirectory(cache);
        var stale = Path.Combine(cache, new string('a', 64));
        var partial = stale + ".part-0123";
        var unrelated = Path.Combine(cache, "README");
        foreach (var file in new[] { stale, partial, unrelated }) await File.WriteAllTextAsync(file, "x");

        using var http = new HttpClient();
        using var fetcher = new UriFetcher(cache, http);

        Assert.Equal([unrelated], Directory.GetFiles(cache));
    }
}
