using System.Text;
using Bridge.Eventing.Bus.Policy;
using Bridge.Eventing.Bus.Tests.Infrastructure;
using Bridge.Eventing.Client;
using Bridge.Eventing.Security;
using Bridge.Eventing.V1;
using Bridge.Testing;
using Confluent.Kafka;

namespace Bridge.Eventing.Bus.Tests.Integration;

/// <summary>
/// Payload encryption before Kafka, per topic: the raw topic (read with kcat, a Kafka client nobody
/// here wrote) holds only ciphertext, bus readers get the plaintext, a topic left in plaintext stays
/// readable by plain tools, and a record with a key the bus lacks or tampered bytes is refused.
/// </summary>
public sealed class EncryptionTests : IAsyncLifetime
{
    private BusHarness _bus = null!;

    public async Task InitializeAsync() => _bus = await BusHarness.StartAsync(o => o with
    {
        KeyRing = KeyRing.Generate("k1"),
        Policies = TopicPolicies.Parse(["public.*=plaintext"]),
    });

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task The_Raw_Topic_Holds_Only_Ciphertext_And_Bus_Readers_Get_The_Plaintext()
    {
        await _bus.CreateTopicAsync("secret");
        using var client = _bus.Client();
        await using (var publisher = client.CreatePublisher("secret"))
            for (var i = 0; i < 3; i++) await publisher.PublishAsync(Values.Record("k", $"top-secret-{i}"));

        var raw = await KcatAsync("secret", 3);
        Assert.DoesNotContain("top-secret", raw);
        var rawRecords = _bus.ReadRaw("secret", 1, 3);
        Assert.All(rawRecords, r => Assert.Equal("k1", Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(RecordCipher.KeyIdHeader))));

        var read = await ReadAsync(client, "secret", 3);
        Assert.Equal(["top-secret-0", "top-secret-1", "top-secret-2"], read.Select(r => Values.Text(r.Value)));
        Assert.All(read, r => Assert.DoesNotContain(r.Headers, h => h.Key == RecordCipher.KeyIdHeader));
    }

    [Fact]
    public async Task A_Topic_Left_In_Plaintext_Stays_Readable_By_Plain_Kafka_Tools()
    {
        await _bus.CreateTopicAsync("public.news");
        using var client = _bus.Client();
        await using (var publisher = client.CreatePublisher("public.news"))
            await publisher.PublishAsync(Values.Record("k", "hello-world"));
        Assert.Contains("hello-world", await KcatAsync("public.news", 1));
    }

    [Theory]
    [InlineData("unknown key id")]
    [InlineData("tampered byte")]
    public async Task A_Record_That_Does_Not_Decrypt_Is_Refused_Never_Passed_On(string how)
    {
        await _bus.CreateTopicAsync("guarded");
        using var client = _bus.Client();
        await using (var publisher = client.CreatePublisher("guarded"))
            await publisher.PublishAsync(Values.Record("k", "genuine"));
        var genuine = _bus.ReadRaw("guarded", 1, 1).Single().Message;
        var value = (byte[])genuine.Value!.Clone();
        var keyId = "k1";
        if (how == "tampered byte") value[^20] ^= 0x40;
        else keyId = "k9";
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = _bus.BootstrapServers }).Build())
            await producer.ProduceAsync("guarded", new Message<byte[]?, byte[]?>
            {
                Key = genuine.Key,
                Value = value,
                Headers = new Headers { { RecordCipher.KeyIdHeader, Encoding.UTF8.GetBytes(keyId) } },
            });

        await using var session = await client.OpenReadAsync("guarded", start: StartPosition.Earliest);
        var first = await ReadBatchAsync(session);
        Assert.Equal("genuine", Values.Text(Assert.Single(first.Records).Value)); // the bad record is not in it
        await session.AckAsync(first);
        var error = await Assert.ThrowsAsync<BusException>(() => session.ReadAsync(wait: TimeSpan.FromSeconds(5)));
        Assert.Equal(Rpc.StatusCode.DataLoss, error.StatusCode);
        Assert.Contains("offset 1", error.Message);
    }

    private async Task<string> KcatAsync(string topic, int count)
    {
        using var kcat = ChildProcess.Start("kcat", ["-C", "-b", _bus.BootstrapServers, "-t", topic, "-o", "beginning", "-c", count.ToString(), "-e", "-f", "%s\n"]);
        Assert.True(await kcat.WaitForExitAsync(TimeSpan.FromSeconds(30)), "kcat did not finish: " + kcat.Stderr);
        Assert.Equal(0, kcat.ExitCode);
        return kcat.Stdout;
    }

    private static async Task<List<BusRecord>> ReadAsync(BusClient client, string topic, int count)
    {
        var records = new List<BusRecord>();
        await foreach (var record in client.ConsumeAsync(topic, new ConsumeOptions { Start = StartPosition.Earliest }, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token))
        {
            records.Add(record);
            if (records.Count == count) break;
        }
        return records;
    }

    private static async Task<Client.Sessions.ReadBatch> ReadBatchAsync(Client.Sessions.ReadSession session)
    {
        while (true)
        {
            var batch = await session.ReadAsync(wait: TimeSpan.FromSeconds(1));
            if (batch.Records.Count > 0) return batch;
        }
    }
}
