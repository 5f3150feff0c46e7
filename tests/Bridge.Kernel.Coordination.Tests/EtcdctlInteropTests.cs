using System.Diagnostics;

namespace Bridge.Kernel.Coordination.Tests;

/// <summary>Our etcd client and Debian's etcdctl (etcd-client 3.4, the reference client) see each other's writes,
/// and a lease our client grants is one etcdctl reads with its keys.</summary>
[Trait("Category", "Interop")]
public sealed class EtcdctlInteropTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>
{
    private async Task<string> Etcdctl(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/etcdctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["ETCDCTL_API"] = "3";
        start.ArgumentList.Add($"--endpoints={fixture.Etcd.ClientUrl}");
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"etcdctl {string.Join(' ', args)}: exit {process.ExitCode}: {await error}");
        return await output;
    }

    [Fact]
    public async Task OurPut_IsReadByEtcdctl_AndEtcdctlsPut_IsReadByUs()
    {
        using var client = fixture.Client();
        var p = EtcdFixture.Prefix();
        await client.PutAsync(p + "ours", "written by bridge ✓");
        Assert.Equal($"{p}ours\nwritten by bridge ✓\n", await Etcdctl("get", p + "ours"));

        await Etcdctl("put", p + "theirs", "written by etcdctl");
        Assert.Equal("written by etcdctl", (await client.GetAsync(p + "theirs"))!.Value.ToStringUtf8());
        Assert.Equal([p + "ours", p + "theirs"], (await client.GetPrefixAsync(p)).Kvs.Select(kv => kv.Key.ToStringUtf8()));
    }

    [Fact]
    public async Task OurLease_IsSeenByEtcdctlWithItsKeys()
    {
        using var client = fixture.Client();
        var key = EtcdFixture.Prefix() + "leased";
        var (id, _) = await client.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        await client.PutAsync(key, "v", id);
        var output = await Etcdctl("lease", "timetolive", id.ToString("x"), "--keys");
        Assert.Contains($"lease {id:x16} granted with TTL(30s)", output); // etcdctl prints ids as %016x
        Assert.Contains(key, output);
        await Etcdctl("lease", "revoke", id.ToString("x"));
        Assert.Null(await client.GetAsync(key));
    }
}
