using System.Text.Json;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Testing;

namespace Bridge.Eventing.Broker.Tests.Interop;

/// <summary>
/// The codec against a real client nobody here wrote: Debian's kcat on librdkafka 2.0.2 (the
/// librdkafka Confluent.Kafka uses here), talking to <see cref="CodecResponder"/>. Proves that
/// librdkafka reads our ApiVersions, Metadata, Produce, ListOffsets and Fetch responses, that we
/// read its requests (record batch included), and that it picks each API's version as the
/// highest both sides support. Needs kcat (./test.sh installs it).
/// </summary>
[Trait("Category", "Interop")]
public class KcatCodecTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static async Task<string> Kcat(CodecResponder responder, string[] args, string? stdin = null)
    {
        using var kcat = ChildProcess.Start("kcat", ["-b", $"127.0.0.1:{responder.Port}", .. args], stdin);
        Assert.True(await kcat.WaitForExitAsync(Deadline), $"{kcat.CommandLine} did not finish within {Deadline}: {kcat.Stderr}");
        Assert.True(kcat.ExitCode == 0, $"{kcat.CommandLine} exited {kcat.ExitCode}: {kcat.Stderr}");
        Assert.Empty(responder.Failures);
        return kcat.Stdout;
    }

    private static short VersionUsed(CodecResponder responder, ApiKey api) =>
        responder.Received.Where(h => h.ApiKey == api).Select(h => h.ApiVersion).Distinct().Single();

    [Fact]
    public async Task KcatList_ReadsOurMetadata_WithVersionsIntersected()
    {
        await using var responder = new CodecResponder();

        string json = await Kcat(responder, ["-L", "-J", "-t", "orders", "-m", "30"]);

        using var doc = JsonDocument.Parse(json);
        var broker = doc.RootElement.GetProperty("brokers").EnumerateArray().Single();
        Assert.Equal(1, broker.GetProperty("id").GetInt32());
        Assert.Equal($"127.0.0.1:{responder.Port}", broker.GetProperty("name").GetString());
        var topic = doc.RootElement.GetProperty("topics").EnumerateArray().Single();
        Assert.Equal("orders", topic.GetProperty("topic").GetString());
        Assert.Equal(1, topic.GetProperty("partitions").EnumerateArray().Single().GetProperty("leader").GetInt32());

        // librdkafka 2.0.2 asks ApiVersions v3 first (served), then the highest Metadata version
        // in both ranges: its own max is v4, ours v8.
        Assert.Equal(new RequestHeader(ApiKey.ApiVersions, 3, responder.Received.First().CorrelationId, "rdkafka"), responder.Received.First());
        Assert.Equal(4, VersionUsed(responder, ApiKey.Metadata));
    }

    [Fact]
    public async Task KcatProduceThenConsume_RecordBatchPassesThroughUnchanged()
    {
        await using var responder = new CodecResponder();

        await Kcat(responder, ["-P", "-t", "orders", "-p", "0", "-k", "order-1", "-H", "source=test", "-z", "zstd"], "payload-ü\n");
        string consumed = await Kcat(responder, ["-C", "-t", "orders", "-p", "0", "-o", "beginning", "-e", "-f", "%k|%s|%h|%o\\n"]);

        Assert.Equal("order-1|payload-ü|source=test|0\n", consumed);
        // Highest versions both support: Produce v7 (zstd needs it), ListOffsets v2, Fetch v11.
        Assert.Equal(7, VersionUsed(responder, ApiKey.Produce));
        Assert.Equal(2, VersionUsed(responder, ApiKey.ListOffsets));
        Assert.Equal(11, VersionUsed(responder, ApiKey.Fetch));
    }

    [Fact]
    public async Task KcatAgainstBrokerRefusingApiVersionsV3_RetriesWithV0()
    {
        await using var responder = new CodecResponder(refuseApiVersionsV3: true);

        string json = await Kcat(responder, ["-L", "-J", "-t", "orders", "-m", "30"]);

        Assert.Contains("\"orders\"", json);
        var apiVersions = responder.Received.Where(h => h.ApiKey == ApiKey.ApiVersions).Select(h => h.ApiVersion).ToList();
        // librdkafka reads the v0 fallback body as flexible (it sent v3): the ApiKeys count byte
        // 0x00 is a compact null, so it keeps only the error code and, finding no ApiVersions
        // entry, retries with v0 (rd_kafka_broker_handle_ApiVersion), which then succeeds.
        Assert.Equal([3, 0], apiVersions.Take(2));
        Assert.Equal(4, VersionUsed(responder, ApiKey.Metadata));
    }
}
