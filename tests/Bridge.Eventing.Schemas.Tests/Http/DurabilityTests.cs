using System.Net;
using Bridge.Eventing.Schemas.Store;
using Bridge.Eventing.Schemas.Tests.Infrastructure;
using static Bridge.Eventing.Schemas.Tests.Infrastructure.TestSchemas;

namespace Bridge.Eventing.Schemas.Tests.Http;

/// <summary>
/// The registry's state lives in Kafka: ids and versions survive a registry restart and a broker
/// restart; concurrent registrations agree; with Kafka gone writes answer 50001 (never an
/// acknowledgement Kafka does not back) while reads go on, and writes work again once it is back.
/// </summary>
public class DurabilityTests
{
    private static async Task<Dictionary<string, string>> SnapshotAsync(RegistryHarness api)
    {
        var snapshot = new Dictionary<string, string>();
        foreach (var subject in (await api.GetAsync("subjects?deleted=true")).AssertOk().Json.EnumerateArray().Select(e => e.GetString()!))
            foreach (var version in (await api.GetAsync($"subjects/{subject}/versions?deleted=true")).Json.EnumerateArray())
                snapshot[$"{subject}/{version}"] = (await api.GetAsync($"subjects/{subject}/versions/{version}?deleted=true")).Text;
        snapshot["config"] = (await api.GetAsync("config")).Text;
        snapshot["config/a"] = (await api.GetAsync("config/a")).Text;
        return snapshot;
    }

    private static async Task PopulateAsync(RegistryHarness api)
    {
        (await api.RegisterAsync("a", OrderV1)).AssertOk();
        (await api.RegisterAsync("a", OrderV2)).AssertOk();
        (await api.RegisterAsync("b", OrderV2)).AssertOk();
        (await api.RegisterAsync("c", "\"string\"")).AssertOk();
        (await api.PutConfigAsync("config/a", "FULL")).AssertOk();
        (await api.PutConfigAsync("config", "FORWARD")).AssertOk();
        (await api.DeleteAsync("subjects/c")).AssertOk();
        (await api.DeleteAsync("subjects/b/versions/1")).AssertOk();
    }

    [Fact]
    public async Task RegistryRestart_SameIdsVersionsLevelsAndDeletions_NextIdContinues()
    {
        await using var api = await RegistryHarness.StartAsync();
        await PopulateAsync(api);
        var before = await SnapshotAsync(api);

        await api.StopRegistryAsync();
        await api.StartRegistryAsync();

        Assert.Equal(before, await SnapshotAsync(api));
        Assert.Equal(2, (await api.RegisterAsync("d", OrderV2)).AssertOk().Json.GetProperty("id").GetInt32());
        Assert.Equal(4, (await api.RegisterAsync("d", OrderWithRequiredNote)).AssertOk().Json.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task BrokerRestart_SameDataDirectory_RegistryRebuildsTheSameState()
    {
        await using var api = await RegistryHarness.StartAsync();
        await PopulateAsync(api);
        var before = await SnapshotAsync(api);

        await api.StopRegistryAsync();
        await api.StopBrokerAsync();
        await api.StartBrokerAsync();
        await api.StartRegistryAsync();

        Assert.Equal(before, await SnapshotAsync(api));
        Assert.Equal(4, (await api.RegisterAsync("e", OrderWithoutId)).AssertOk().Json.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task SchemasTopic_CreatedCompacted_OnePartition_NeverDeletedByRetention()
    {
        await using var api = await RegistryHarness.StartAsync();
        var topic = api.Broker!.Logs.GetTopic("_schemas");
        Assert.NotNull(topic);
        Assert.Equal((1, -1L, -1L), (topic.Partitions, topic.Config.RetentionMs, topic.Config.RetentionBytes));
        Assert.True(topic.Config.MaxMessageBytes > 8 * 1024 * 1024);
    }

    [Fact]
    public async Task ConcurrentRegistrations_OverHttp_OneIdOneVersion()
    {
        await using var api = await RegistryHarness.StartAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => api.RegisterAsync(i % 3 == 0 ? "x" : "y", OrderV2)));
        Assert.All(answers, a => Assert.Equal(1, a.AssertOk().Json.GetProperty("id").GetInt32()));
        Assert.Equal("[1]", (await api.GetAsync("subjects/x/versions")).Text);
        Assert.Equal("[1]", (await api.GetAsync("subjects/y/versions")).Text);
        var distinct = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            api.RegisterAsync($"z{i}", $$"""{"type":"record","name":"R{{i}}","fields":[]}""")));
        Assert.Equal(Enumerable.Range(2, 12), distinct.Select(a => a.AssertOk().Json.GetProperty("id").GetInt32()).Order());
    }

    [Fact]
    public async Task KafkaGone_WritesAre50001_ReadsGoOn_BackAgain_WritesWork()
    {
        await using var api = await RegistryHarness.StartAsync(storeTimeout: TimeSpan.FromSeconds(3));
        (await api.RegisterAsync("k", OrderV1)).AssertOk();
        var port = api.Broker!.Endpoint.Port;

        await api.StopBrokerAsync();
        var refused = (await api.RegisterAsync("k", OrderV2)).AssertError(500, 50001);
        Assert.Contains("_schemas", refused.Message);
        (await api.PutConfigAsync("config", "NONE")).AssertError(500, 50001);
        Assert.Equal("[1]", (await api.GetAsync("subjects/k/versions")).AssertOk().Text);
        Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", (await api.GetAsync("config")).Text);

        await api.StartBrokerAsync(port);
        // librdkafka reconnects with backoff: poll with a deadline until a write goes through.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        ApiResult written;
        while ((written = await api.RegisterAsync("k", OrderV2)).Status != 200)
        {
            written.AssertError(500, 50001);
            Assert.True(DateTime.UtcNow < deadline, $"writes still fail with the broker back: {written}");
        }
        Assert.Equal("[1,2]", (await api.GetAsync("subjects/k/versions")).Text);
    }

    [Fact]
    public async Task Start_PortInUse_IsAnIOException_AndReleasesTheStore()
    {
        await using var api = await RegistryHarness.StartAsync();
        await Assert.ThrowsAnyAsync<IOException>(() => SchemaRegistryServer.StartAsync(new SchemaRegistryOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, api.Registry!.Address.Port),
            Store = new SchemaStoreOptions { BootstrapServers = api.Broker!.BootstrapServers },
        }));
        (await api.RegisterAsync("still", OrderV1)).AssertOk();
    }

    [Fact]
    public async Task Start_KafkaUnreachable_FailsWithinTheTimeout_NamingTheServers()
    {
        var error = await Assert.ThrowsAsync<SchemaStoreException>(() => SchemaRegistryServer.StartAsync(new SchemaRegistryOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            Store = new SchemaStoreOptions { BootstrapServers = "127.0.0.1:1", Timeout = TimeSpan.FromSeconds(2) },
        }));
        Assert.Contains("127.0.0.1:1", error.Message);
    }
}
