using System.Buffers;
using Bridge.Eventing.Broker.Protocol;

namespace Bridge.Eventing.Broker.Tests;

/// <summary>KafkaFrame: int32 size-prefixed frames off a (possibly multi-segment) pipe buffer.</summary>
public class FrameTests
{
    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, Segment? previous = null)
        {
            Memory = data;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }

    /// <summary>A sequence split into one-byte segments, the worst case for a pipe.</summary>
    private static ReadOnlySequence<byte> Fragmented(byte[] bytes)
    {
        var first = new Segment([bytes[0]]);
        var last = first;
        foreach (var b in bytes.Skip(1)) last = new Segment([b], last);
        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    [Fact]
    public void TryReadFrame_TwoFramesAndAPartialOne_TakesTwoAndKeepsTheRest()
    {
        byte[] bytes = Convert.FromHexString("00000002" + "aabb" + "00000000" + "00000003" + "cc");
        var buffer = Fragmented(bytes);

        Assert.True(KafkaFrame.TryReadFrame(ref buffer, 100, out var first));
        Assert.Equal(new byte[] { 0xAA, 0xBB }, first.ToArray());
        Assert.True(KafkaFrame.TryReadFrame(ref buffer, 100, out var empty));
        Assert.Equal(0, empty.Length);
        Assert.False(KafkaFrame.TryReadFrame(ref buffer, 100, out _));
        Assert.Equal(5, buffer.Length); // the partial frame stays for the next read
    }

    [Fact]
    public void TryReadFrame_FewerThanFourBytes_WaitsForMore()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0 });
        Assert.False(KafkaFrame.TryReadFrame(ref buffer, 100, out _));
        Assert.Equal(3, buffer.Length);
    }

    [Fact]
    public void TryReadFrame_NegativeSize_Throws()
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString("ffffffff"));
        var e = Assert.Throws<KafkaProtocolException>(() => KafkaFrame.TryReadFrame(ref buffer, 100, out _));
        Assert.Equal("Size", e.Field);
        Assert.Contains("-1 is negative", e.Message);
    }

    [Fact]
    public void TryReadFrame_OverLimit_ThrowsBeforeTheBodyArrives()
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString("7fffffff"));
        var e = Assert.Throws<KafkaProtocolException>(() => KafkaFrame.TryReadFrame(ref buffer, KafkaFrame.DefaultMaxFrameBytes, out _));
        Assert.Contains("2147483647 exceeds the limit of 104857600 bytes", e.Message);
    }

    [Fact]
    public void TryReadFrame_ExactlyAtLimit_IsAccepted()
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString("00000004" + "01020304"));
        Assert.True(KafkaFrame.TryReadFrame(ref buffer, 4, out var frame));
        Assert.Equal(4, frame.Length);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Decode_FragmentedSequence_CopiesIntoOwnedFrame()
    {
        var header = new RequestHeader(ApiKey.Heartbeat, 3, 9, "c");
        var request = new Protocol.Messages.HeartbeatRequest { GroupId = "g", GenerationId = 1, MemberId = "m" };
        var buffer = Fragmented(Codec.RequestFrame(header, request));

        Assert.True(KafkaFrame.TryReadFrame(ref buffer, 1024, out var frame));
        var (decodedHeader, decoded) = RequestDecoder.Decode(frame);

        Assert.Equal(header, decodedHeader);
        Assert.Equal(request, decoded);
    }
}
