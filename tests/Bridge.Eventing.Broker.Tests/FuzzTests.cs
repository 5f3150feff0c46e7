using System.Buffers;
using System.Buffers.Binary;
using Bridge.Eventing.Broker.Protocol;

namespace Bridge.Eventing.Broker.Tests;

/// <summary>
/// Random and mutated frames (seeded, so a failure reproduces) fed to the decoders: the only
/// outcomes allowed are a decoded message or a <see cref="KafkaProtocolException"/>, and no
/// decode may allocate more than a small multiple of its frame. A frame that decodes must encode
/// back to a message that decodes the same.
/// </summary>
public class FuzzTests
{
    // Per decode: at most 64 bytes of objects per frame byte plus 64 KiB for a thrown exception
    // (message, stack trace). A length trusted before the bounds check would blow far past this.
    private const long AllocationPerByte = 64;
    private const long AllocationSlack = 64 * 1024;

    private static readonly int[] InterestingInt32 = [-1, -2, 0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, int.MaxValue, int.MinValue, 0x7FFFFFFE];

    private static List<byte[]> ValidRequestBodies()
    {
        var bodies = new List<byte[]>();
        foreach (var api in KafkaApis.All)
            for (short v = api.MinVersion; v <= api.MaxVersion; v++)
                bodies.Add(Codec.RequestFrame(new RequestHeader(api.Key, v, v * 31, v % 2 == 0 ? "fuzz" : null), Samples.Request(api.Key, v))[4..]);
        return bodies;
    }

    [Fact]
    public void RequestDecoder_130kRandomAndMutatedFrames_DecodeOrThrowProtocolException()
    {
        var random = new Random(20_240_601);
        var corpus = ValidRequestBodies();
        int decoded = 0, rejected = 0, unsupported = 0;

        for (int i = 0; i < 130_000; i++)
        {
            byte[] frame = i % 5 == 0 ? RandomFrame(random) : Mutate(random, corpus[random.Next(corpus.Count)], corpus);
            switch (DecodeChecked(frame))
            {
                case Outcome.Decoded: decoded++; break;
                case Outcome.Unsupported: unsupported++; break;
                default: rejected++; break;
            }
        }

        // The mutations must reach every outcome, or the test is not exercising the decoder.
        Assert.True(decoded > 5_000, $"only {decoded} mutated frames decoded");
        Assert.True(rejected > 50_000, $"only {rejected} frames rejected");
        Assert.True(unsupported > 1_000, $"only {unsupported} frames unsupported");
    }

    [Fact]
    public void ResponseDecoder_MutatedFrames_DecodeOrThrowProtocolException()
    {
        var random = new Random(7);
        var corpus = new List<(ApiKey, short, byte[])>();
        foreach (var api in KafkaApis.All)
            for (short v = api.MinVersion; v <= api.MaxVersion; v++)
                corpus.Add((api.Key, v, Codec.ResponseFrame(new RequestHeader(api.Key, v, 1, null), Samples.Response(api.Key, v))[4..]));

        for (int i = 0; i < 30_000; i++)
        {
            var (api, version, body) = corpus[random.Next(corpus.Count)];
            byte[] frame = Mutate(random, body, corpus.Select(c => c.Item3).ToList());
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                ResponseDecoder.Decode(frame, api, version);
            }
            catch (KafkaProtocolException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"{api} v{version} response {Convert.ToHexString(frame)} threw {e}");
            }
            AssertBounded(before, frame);
        }
    }

    [Fact]
    public void TryReadFrame_RandomPrefixes_NeverThrowsOtherThanProtocolException()
    {
        var random = new Random(3);
        for (int i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 12)];
            random.NextBytes(bytes);
            if (bytes.Length >= 4 && random.Next(2) == 0)
                BinaryPrimitives.WriteInt32BigEndian(bytes, InterestingInt32[random.Next(InterestingInt32.Length)]);
            var buffer = new ReadOnlySequence<byte>(bytes);
            try
            {
                while (KafkaFrame.TryReadFrame(ref buffer, 1024, out var frame))
                    Assert.True(frame.Length <= 1024);
            }
            catch (KafkaProtocolException)
            {
            }
        }
    }

    private enum Outcome { Decoded, Unsupported, Rejected }

    private static Outcome DecodeChecked(byte[] frame)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var (header, request) = RequestDecoder.Decode(frame);
            AssertBounded(before, frame);
            AssertReEncodes(header, request);
            return Outcome.Decoded;
        }
        catch (KafkaUnsupportedRequestException)
        {
            AssertBounded(before, frame);
            return Outcome.Unsupported;
        }
        catch (KafkaProtocolException)
        {
            AssertBounded(before, frame);
            return Outcome.Rejected;
        }
        catch (Exception e)
        {
            Assert.Fail($"frame {Convert.ToHexString(frame)} threw {e}");
            throw;
        }
    }

    private static void AssertBounded(long before, byte[] frame)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= AllocationSlack + AllocationPerByte * frame.Length,
            $"decoding {frame.Length} bytes allocated {allocated} bytes: {Convert.ToHexString(frame)}");
    }

    private static void AssertReEncodes(RequestHeader header, IKafkaRequest request)
    {
        byte[] again = Codec.RequestFrame(header, request);
        var (header2, request2) = RequestDecoder.Decode(again.AsMemory(4));
        Assert.Equal(header, header2);
        Assert.Equal(Codec.Json(request), Codec.Json(request2));
    }

    private static byte[] RandomFrame(Random random)
    {
        var frame = new byte[random.Next(0, 96)];
        random.NextBytes(frame);
        if (frame.Length >= 4 && random.Next(3) > 0)
        {
            // Usually a served API and version, so the body readers are reached, not only dispatch.
            var api = KafkaApis.All[random.Next(KafkaApis.All.Count)];
            BinaryPrimitives.WriteInt16BigEndian(frame, (short)api.Key);
            BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(2), (short)random.Next(api.MinVersion, api.MaxVersion + 2));
        }
        return frame;
    }

    private static byte[] Mutate(Random random, byte[] valid, List<byte[]> corpus)
    {
        var frame = (byte[])valid.Clone();
        int rounds = random.Next(1, 4);
        for (int r = 0; r < rounds && frame.Length > 0; r++)
        {
            switch (random.Next(7))
            {
                case 0: // flip bits
                    for (int k = random.Next(1, 9); k > 0; k--) frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // an interesting byte
                    frame[random.Next(frame.Length)] = (byte)InterestingInt32[random.Next(InterestingInt32.Length)];
                    break;
                case 2: // an interesting int32 (lengths, counts) anywhere, aligned or not
                    if (frame.Length >= 4)
                        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(random.Next(frame.Length - 3)), InterestingInt32[random.Next(InterestingInt32.Length)]);
                    break;
                case 3: // an interesting int16 (string lengths, versions)
                    if (frame.Length >= 2)
                        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(random.Next(frame.Length - 1)), (short)InterestingInt32[random.Next(InterestingInt32.Length)]);
                    break;
                case 4: // truncate
                    frame = frame[..random.Next(frame.Length)];
                    break;
                case 5: // append or insert random bytes
                    var extra = new byte[random.Next(1, 16)];
                    random.NextBytes(extra);
                    int at = random.Next(frame.Length + 1);
                    frame = [.. frame[..at], .. extra, .. frame[at..]];
                    break;
                default: // splice the head of this frame onto the tail of another
                    var other = corpus[random.Next(corpus.Count)];
                    int cut = random.Next(frame.Length + 1);
                    frame = [.. frame[..cut], .. other[Math.Min(cut, other.Length)..]];
                    break;
            }
        }
        return frame;
    }
}
