using Bridge.Kernel.Coordination.Etcd;
using Bridge.Kernel.Coordination.Etcd.Mvcc;
using Bridge.Kernel.Coordination.Etcd.Rpc;
using Google.Protobuf;

namespace Bridge.Kernel.Coordination.Tests;

/// <summary>The etcd client's calls against a real etcd 3.4: KV, transactions, leases, watches, errors, failover.</summary>
public sealed class EtcdClientTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>
{
    [Fact]
    public async Task PutGetPrefixDelete_RoundTrip_WithRevisionsAndVersions()
    {
        using var client = fixture.Client();
        var p = EtcdFixture.Prefix();
        var first = await client.PutAsync(p + "a", "1");
        await client.PutAsync(p + "a", "2");
        await client.PutAsync(p + "b", "x");
        await client.PutAsync(p[..^1] + "0", "outside the prefix"); // '0' follows '/' in byte order

        var a = (await client.GetAsync(p + "a"))!;
        Assert.Equal("2", a.Value.ToStringUtf8());
        Assert.Equal(2, a.Version);
        Assert.Equal(first.Header.Revision, a.CreateRevision);
        Assert.True(a.ModRevision > a.CreateRevision);
        Assert.Equal([p + "a", p + "b"], (await client.GetPrefixAsync(p)).Kvs.Select(kv => kv.Key.ToStringUtf8()));
        Assert.Null(await client.GetAsync(p + "missing"));

        Assert.Equal(1, (await client.DeleteAsync(p + "a")).Deleted);
        Assert.Equal(0, (await client.DeleteAsync(p + "a")).Deleted);
        Assert.Equal(1, (await client.DeletePrefixAsync(p)).Deleted);
        Assert.NotNull(await client.GetAsync(p[..^1] + "0"));
    }

    [Fact]
    public async Task Txn_RunsSuccessOrFailureOps_ByItsCompares()
    {
        using var client = fixture.Client();
        var key = EtcdFixture.Prefix() + "k";
        TxnRequest CreateIfAbsent(string value) => new()
        {
            Compare = { new Compare { Key = EtcdKeys.Of(key), Target = Compare.Types.CompareTarget.Create, CreateRevision = 0 } },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = EtcdKeys.Of(key), Value = ByteString.CopyFromUtf8(value) } } },
            Failure = { new RequestOp { RequestRange = new RangeRequest { Key = EtcdKeys.Of(key) } } },
        };
        var created = await client.TxnAsync(CreateIfAbsent("first"));
        Assert.True(created.Succeeded);
        var second = await client.TxnAsync(CreateIfAbsent("second"));
        Assert.False(second.Succeeded);
        Assert.Equal("first", second.Responses.Single().ResponseRange.Kvs.Single().Value.ToStringUtf8());

        // A compare on the value: only the matching writer wins.
        var swap = new TxnRequest
        {
            Compare = { new Compare { Key = EtcdKeys.Of(key), Target = Compare.Types.CompareTarget.Value, Value = ByteString.CopyFromUtf8("first") } },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = EtcdKeys.Of(key), Value = ByteString.CopyFromUtf8("swapped") } } },
        };
        Assert.True((await client.TxnAsync(swap)).Succeeded);
        Assert.False((await client.TxnAsync(swap)).Succeeded);
        Assert.Equal("swapped", (await client.GetAsync(key))!.Value.ToStringUtf8());
    }

    [Fact]
    public async Task Txn_WritingOneKeyTwice_IsRefusedWithEtcdsReason()
    {
        using var client = fixture.Client();
        var key = EtcdFixture.Prefix() + "twice";
        var put = new RequestOp { RequestPut = new PutRequest { Key = EtcdKeys.Of(key), Value = ByteString.CopyFromUtf8("v") } };
        var e = await Assert.ThrowsAsync<EtcdException>(() => client.TxnAsync(new TxnRequest { Success = { put, put } }));
        Assert.Contains("duplicate key given in txn request", e.Message);
        Assert.Contains(fixture.Etcd.ClientUrl.Authority, e.Message);
    }

    [Fact]
    public async Task Lease_GrantedAtEtcdsMinimum_KeysGoWithIt_AndARevokedLeaseIsNotFound()
    {
        using var client = fixture.Client();
        var key = EtcdFixture.Prefix() + "leased";
        var (id, ttl) = await client.GrantLeaseAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(1, ttl); // etcd's minimum with a 250 ms election timeout is 1 s
        await client.PutAsync(key, "v", id);
        var info = await client.TimeToLiveAsync(id, keys: true);
        Assert.Equal(key, info.Keys.Single().ToStringUtf8());

        await using (var keepAlive = client.OpenKeepAlive())
            Assert.Equal(1, await keepAlive.RenewAsync(id, CancellationToken.None));

        await client.RevokeLeaseAsync(id);
        Assert.Null(await client.GetAsync(key));
        Assert.Equal(-1, (await client.TimeToLiveAsync(id)).TTL);
        var e = await Assert.ThrowsAsync<EtcdLeaseNotFoundException>(() => client.RevokeLeaseAsync(id));
        Assert.Contains("requested lease not found", e.Message);
        await Assert.ThrowsAsync<EtcdLeaseNotFoundException>(() => client.PutAsync(key, "v", id));
        await using (var keepAlive = client.OpenKeepAlive())
            Assert.Equal(0, await keepAlive.RenewAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Watch_CancelledByItsCaller_IsACancellation_NotAnRpcError()
    {
        // A master stopping cancels the watch it is creating: that must surface as a cancellation (the CI once saw the
        // stream's RpcException(Cancelled) escape MasterServer.DisposeAsync instead).
        using var client = fixture.Client();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.WatchAsync(new WatchCreateRequest { Key = EtcdKeys.Of(EtcdFixture.Prefix() + "w") }, cancelled.Token));
    }

    [Fact]
    public async Task Watch_DeliversPutsAndDeletesInOrder_FromItsStartRevision()
    {
        using var client = fixture.Client();
        var p = EtcdFixture.Prefix();
        var before = await client.PutAsync(p + "early", "0");
        await using var watch = await client.WatchAsync(new WatchCreateRequest { Key = EtcdKeys.Of(p), RangeEnd = EtcdKeys.PrefixEnd(p), StartRevision = before.Header.Revision });
        await client.PutAsync(p + "a", "1");
        await client.DeleteAsync(p + "a");
        var seen = new List<(Event.Types.EventType, string)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (seen.Count < 3)
            seen.AddRange((await watch.NextAsync(timeout.Token)).Select(e => (e.Type, e.Kv.Key.ToStringUtf8())));
        Assert.Equal([(Event.Types.EventType.Put, p + "early"), (Event.Types.EventType.Put, p + "a"), (Event.Types.EventType.Delete, p + "a")], seen);
    }

    [Fact]
    public async Task Watch_FromACompactedRevision_IsACompactedError()
    {
        using var client = fixture.Client();
        var key = EtcdFixture.Prefix() + "c";
        var first = await client.PutAsync(key, "1");
        var last = await client.PutAsync(key, "2");
        await client.CompactAsync(last.Header.Revision);
        // etcd confirms the watch, then cancels it with the compaction revision.
        await using var watch = await client.WatchAsync(new WatchCreateRequest { Key = EtcdKeys.Of(key), StartRevision = first.Header.Revision });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var e = await Assert.ThrowsAsync<EtcdCompactedException>(() => watch.NextAsync(timeout.Token));
        Assert.True(e.CompactRevision >= last.Header.Revision, e.Message);
        await Assert.ThrowsAsync<EtcdCompactedException>(() => client.RangeAsync(new RangeRequest { Key = EtcdKeys.Of(key), Revision = first.Header.Revision }));
    }

    [Fact]
    public async Task Endpoints_ADeadOneIsSkipped_AndNoneAnsweringIsUnavailable()
    {
        using (var client = new EtcdClient([new Uri($"http://127.0.0.1:{DeadPort()}"), fixture.Etcd.ClientUrl]))
        {
            var key = EtcdFixture.Prefix() + "failover";
            await client.PutAsync(key, "v");
            Assert.Equal(fixture.Etcd.ClientUrl, client.CurrentEndpoint);
            Assert.Equal("v", (await client.GetAsync(key))!.Value.ToStringUtf8());
        }
        using (var dead = new EtcdClient([new Uri($"http://127.0.0.1:{DeadPort()}")]))
        {
            var e = await Assert.ThrowsAsync<EtcdUnavailableException>(() => dead.GetAsync("/x"));
            Assert.Contains("no endpoint answered", e.Message);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:2379,127.0.0.2:2379", new[] { "http://127.0.0.1:2379/", "http://127.0.0.2:2379/" })]
    [InlineData(" http://localhost:1 ", new[] { "http://localhost:1/" })]
    public void ParseEndpoints_TakesEtcdctlsList(string text, string[] expected) =>
        Assert.Equal(expected, EtcdClient.ParseEndpoints(text).Select(u => u.ToString()));

    [Theory]
    [InlineData("", "none given")]
    [InlineData("http://127.0.0.1", "is not http://HOST:PORT")]
    [InlineData("ftp://127.0.0.1:21", "is not http://HOST:PORT")]
    [InlineData("http://127.0.0.1:2379/v3", "is not http://HOST:PORT")]
    public void ParseEndpoints_RefusesWhatIsNotAnEndpoint(string text, string error) =>
        Assert.Contains(error, Assert.Throws<FormatException>(() => EtcdClient.ParseEndpoints(text)).Message);

    [Fact]
    public void PrefixEnd_IncrementsTheLastByteBelow0xff_AsClientv3Does()
    {
        Assert.Equal("/a0", EtcdKeys.PrefixEnd("/a/").ToStringUtf8());
        Assert.Equal(new byte[] { (byte)'a', 0xC3, 0xC0 }, EtcdKeys.PrefixEnd("a\u00ff").ToByteArray()); // U+00FF is C3 BF in UTF-8
        Assert.Equal(new byte[] { 0 }, EtcdKeys.PrefixEnd("").ToByteArray()); // every key
    }

    private static int DeadPort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }
}
