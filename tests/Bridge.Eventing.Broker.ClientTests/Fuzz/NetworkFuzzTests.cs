using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Bridge.Eventing.Broker.ClientTests.Infrastructure;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Confluent.Kafka;
using Xunit.Abstractions;
using KafkaErrorCode = Bridge.Eventing.Broker.Protocol.ErrorCode;

namespace Bridge.Eventing.Broker.ClientTests.Fuzz;

/// <summary>
/// 100,000 random and mutated frames over raw TCP against a running broker (seeded; four
/// connections at a time). After each complete frame an ApiVersions probe follows on the same
/// connection, so the broker's reaction is read without timeouts: it answered the frame, or
/// closed the connection. What it must do is taken from the codec's own decoder: a request the
/// codec decodes is answered (Produce with acks=0: not answered, or closed as Kafka does on an
/// error) and the answer decodes; an unserved API or version is closed, except ApiVersions (the
/// v0 fallback); a malformed one is closed; a frame whose size prefix is negative or above the
/// limit is closed at once; an incomplete one is closed when the client half-closes. Between
/// rounds and at the end, Confluent.Kafka produces and consumes through the same broker.
/// </summary>
public class NetworkFuzzTests(ITestOutputHelper output)
{
    private const int Rounds = 4;
    private const int Workers = 4;
    private const int FramesPerWorker = 6_250; // 4 × 4 × 6,250 = 100,000 frames
    private const int MaxFrameBytes = 1024 * 1024;
    private static readonly TimeSpan ReactionDeadline = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, int> _outcomes = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ClientLog _log = new();
    private int _connections;

    private enum Expect { Answer, NoAnswerOrClose, Close }

    [Fact]
    public async Task RawFrames_100k_EachAnsweredOrClosedAsTheCodecDecides_AndRealClientsKeepWorking()
    {
        await using var broker = await TestBroker.StartAsync(o => o with { AutoCreateTopics = false, MaxFrameBytes = MaxFrameBytes, MaxConnections = 200 });
        Assert.Equal(Log.Topics.TopicStatus.Ok, broker.Broker.Logs.CreateTopic(FuzzFrames.Topic, 2));
        Assert.Equal(Log.Topics.TopicStatus.Ok, broker.Broker.Logs.CreateTopic("fuzz-check", 1));
        var clock = Stopwatch.StartNew();

        for (int round = 0; round < Rounds && _violations.IsEmpty; round++)
        {
            int r = round;
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => RunWorker(broker.Broker.Endpoint, seed: 1_000 * r + w))));
            await RealClientsRoundTrip(broker, $"after round {round}");
        }

        output.WriteLine($"{_outcomes.Values.Sum()} frames, {_connections} connections, {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var (outcome, count) in _outcomes.OrderBy(kv => kv.Key)) output.WriteLine($"{outcome,-40} {count,7}");
        Assert.True(_violations.IsEmpty, $"{_violations.Count} violations, first ones:\n{string.Join("\n", _violations.Take(10))}\nbroker log:\n{string.Join("\n", broker.Log.Entries.Take(10))}");
        Assert.Equal(Rounds * Workers * FramesPerWorker, _outcomes.Values.Sum());
        // The mix reached every reaction, or the test is not exercising the broker.
        Assert.True(Count("answered") > 20_000, $"only {Count("answered")} frames answered");
        Assert.True(Count("closed") > 20_000, $"only {Count("closed")} frames closed");
        Assert.True(_outcomes.GetValueOrDefault("produce-bad-crc answered") > 5_000, "too few CRC-flipped Produce frames answered");
    }

    private int Count(string outcome) => _outcomes.Where(kv => kv.Key.EndsWith(" " + outcome)).Sum(kv => kv.Value);

    private async Task RunWorker(IPEndPoint endpoint, int seed)
    {
        var frames = new FuzzFrames(new Random(seed), MaxFrameBytes);
        FrameConnection? connection = null;
        try
        {
            for (int i = 0; i < FramesPerWorker && _violations.Count < 20; i++)
            {
                var frame = frames.Next();
                using var deadline = new CancellationTokenSource(ReactionDeadline);
                connection ??= await Connect(endpoint, deadline.Token);
                bool open;
                try
                {
                    open = frame.Framing == Framing.Complete
                        ? await SendComplete(connection, frame, probeId: -(seed * FramesPerWorker + i) - 1, deadline.Token)
                        : await SendBroken(connection, frame, deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    Violation(frame, $"neither answered nor closed within {ReactionDeadline.TotalSeconds} s");
                    open = false;
                }
                catch (InvalidDataException e)
                {
                    Violation(frame, e.Message);
                    open = false;
                }
                if (!open)
                {
                    connection.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private async Task<FrameConnection> Connect(IPEndPoint endpoint, CancellationToken cancel)
    {
        Interlocked.Increment(ref _connections);
        return await FrameConnection.ConnectAsync(endpoint, cancel);
    }

    /// <summary>An incomplete frame (then FIN) or an invalid size prefix (then a probe): the broker must close, never answer.</summary>
    private async Task<bool> SendBroken(FrameConnection connection, FuzzFrame frame, CancellationToken cancel)
    {
        byte[] bytes = frame.Framing == Framing.InvalidSize ? [.. frame.Bytes, .. FuzzFrames.Probe(-1)] : frame.Bytes;
        if (await connection.SendAsync(bytes, cancel) && frame.Framing == Framing.Incomplete) connection.HalfClose();
        var response = await connection.ReadFrameAsync(cancel);
        if (response is null) Record(frame, "closed");
        else Violation(frame, $"answered (correlation id {Correlation(response)}) instead of closing");
        return false;
    }

    /// <summary>A complete frame, then a probe: reads until the probe's answer or a close, and checks what came against the codec's verdict.</summary>
    /// <returns>Whether the connection is still open.</returns>
    private async Task<bool> SendComplete(FrameConnection connection, FuzzFrame frame, int probeId, CancellationToken cancel)
    {
        var (expect, api, version, correlationId, detail) = Classify(frame);
        if (!await connection.SendAsync((byte[])[.. frame.Bytes, .. FuzzFrames.Probe(probeId)], cancel))
            return Closed(frame, expect, detail);

        var first = await connection.ReadFrameAsync(cancel);
        if (first is null) return Closed(frame, expect, detail);
        if (Correlation(first) == probeId)
        {
            if (expect == Expect.NoAnswerOrClose) Record(frame, "not answered (acks=0)");
            else Violation(frame, $"not answered but the connection stayed open; codec: {detail}");
            return true;
        }

        if (expect != Expect.Answer)
        {
            Violation(frame, $"answered (correlation id {Correlation(first)}), expected {expect}; codec: {detail}");
            return false;
        }
        if (Correlation(first) != correlationId)
        {
            Violation(frame, $"answered with correlation id {Correlation(first)}, sent {correlationId}");
            return false;
        }
        CheckAnswer(frame, first, api, version);
        var probe = await connection.ReadFrameAsync(cancel);
        if (probe is null)
        {
            Record(frame, "answered then closed");
            return false;
        }
        if (Correlation(probe) != probeId) Violation(frame, $"second answer has correlation id {Correlation(probe)}, expected the probe's {probeId}");
        return true;
    }

    private bool Closed(FuzzFrame frame, Expect expect, string detail)
    {
        if (expect == Expect.Answer) Violation(frame, $"closed, but the codec decodes it: {detail}");
        else Record(frame, "closed");
        return false;
    }

    private void CheckAnswer(FuzzFrame frame, byte[] response, ApiKey api, short version)
    {
        IKafkaResponse decoded;
        try
        {
            decoded = ResponseDecoder.Decode(response, api, version).Response;
        }
        catch (KafkaProtocolException e)
        {
            Violation(frame, $"answer does not decode as {api} v{version}: {e.Message}; answer {Hex(response)}");
            return;
        }
        if (frame.Kind == "produce-bad-crc")
        {
            var error = ((ProduceResponse)decoded).Responses.Single().PartitionResponses.Single().ErrorCode;
            if (error != KafkaErrorCode.CorruptMessage) Violation(frame, $"a batch with a bad CRC was answered {error}, not CORRUPT_MESSAGE");
        }
        Record(frame, "answered");
    }

    private static (Expect, ApiKey, short, int, string) Classify(FuzzFrame frame)
    {
        try
        {
            var (header, request) = RequestDecoder.Decode(FuzzFrames.BodyOf(frame));
            var expect = request is ProduceRequest { Acks: 0 } ? Expect.NoAnswerOrClose : Expect.Answer;
            return (expect, header.ApiKey, header.ApiVersion, header.CorrelationId, $"{header.ApiKey} v{header.ApiVersion} decodes");
        }
        catch (KafkaUnsupportedRequestException e) when (e.CanAnswer)
        {
            return (Expect.Answer, ApiKey.ApiVersions, 0, e.Header.CorrelationId, $"ApiVersions v{e.Header.ApiVersion} is answered with the v0 fallback");
        }
        catch (KafkaProtocolException e)
        {
            return (Expect.Close, default, 0, 0, e.Message);
        }
    }

    private async Task RealClientsRoundTrip(TestBroker broker, string when)
    {
        var value = Encoding.UTF8.GetBytes($"still serving {when}");
        using var producer = Clients.Producer(broker.BootstrapServers, _log);
        var delivered = await producer.ProduceAsync("fuzz-check", new Message<byte[]?, byte[]?> { Value = value });
        using var consumer = Clients.Consumer(broker.BootstrapServers, "fuzz-check", _log);
        consumer.Assign(new TopicPartitionOffset(delivered.TopicPartition, delivered.Offset));
        var consumed = Clients.ConsumeUntil(consumer, 1, _log).Single();
        Assert.Equal(value, consumed.Message.Value);
    }

    private void Record(FuzzFrame frame, string outcome) => _outcomes.AddOrUpdate($"{frame.Kind} {outcome}", 1, (_, n) => n + 1);

    private void Violation(FuzzFrame frame, string what)
    {
        Record(frame, "violation");
        _violations.Enqueue($"{frame.Kind} frame {Hex(frame.Bytes)}: {what}");
    }

    private static int Correlation(byte[] response) => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(response);

    private static string Hex(byte[] bytes) => bytes.Length <= 2_048 ? Convert.ToHexString(bytes) : Convert.ToHexString(bytes, 0, 2_048) + $"…({bytes.Length} bytes)";
}
