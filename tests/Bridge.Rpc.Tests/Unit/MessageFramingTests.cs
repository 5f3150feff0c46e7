using System.Buffers;
using Bridge.Rpc.Internal;

namespace Bridge.Rpc.Tests.Unit;

public class MessageFramingTests
{
    private static ReadOnlySequence<byte> Seq(params byte[] bytes) => new(bytes);

    [Fact]
    public void TryReadFrame_WholeFrame_ReturnsPayloadAndAdvances()
    {
        var buffer = Seq(0, 0, 0, 0, 3, 7, 8, 9, 0xAA);
        var status = MessageFraming.TryReadFrame(ref buffer, 100, out var frame, out var declared);
        Assert.Equal(FrameStatus.Complete, status);
        Assert.False(frame.Compressed);
        Assert.Equal(3, declared);
        Assert.Equal(new byte[] { 7, 8, 9 }, frame.Payload.ToArray());
        Assert.Equal(new byte[] { 0xAA }, buffer.ToArray());
    }

    [Fact]
    public void TryReadFrame_EmptyMessage_IsComplete()
    {
        var buffer = Seq(0, 0, 0, 0, 0);
        Assert.Equal(FrameStatus.Complete, MessageFraming.TryReadFrame(ref buffer, 100, out var frame, out _));
        Assert.Equal(0, frame.Length);
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 4, 1, 2, 3 })]
    public void TryReadFrame_PartialFrame_IsIncompleteAndConsumesNothing(byte[] bytes)
    {
        var buffer = Seq(bytes);
        Assert.Equal(FrameStatus.Incomplete, MessageFraming.TryReadFrame(ref buffer, 100, out _, out _));
        Assert.Equal(bytes.Length, buffer.Length);
    }

    [Fact]
    public void TryReadFrame_DeclaredLengthOverLimit_IsTooLargeBeforeTheBodyArrives()
    {
        var buffer = Seq(0, 0xFF, 0xFF, 0xFF, 0xFF);
        Assert.Equal(FrameStatus.TooLarge, MessageFraming.TryReadFrame(ref buffer, 4 * 1024 * 1024, out _, out var declared));
        Assert.Equal(uint.MaxValue, (uint)declared);
    }

    [Fact]
    public void TryReadFrame_LengthExactlyAtLimit_IsAccepted()
    {
        var bytes = new byte[5 + 10];
        bytes[4] = 10;
        var buffer = Seq(bytes);
        Assert.Equal(FrameStatus.Complete, MessageFraming.TryReadFrame(ref buffer, 10, out _, out _));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void TryReadFrame_FlagNotZeroOrOne_IsMalformed(byte flag)
    {
        var buffer = Seq(flag, 0, 0, 0, 0);
        Assert.Equal(FrameStatus.Malformed, MessageFraming.TryReadFrame(ref buffer, 100, out _, out _));
    }

    [Fact]
    public void TryReadFrame_HeaderSplitAcrossSegments_ReadsLength()
    {
        var first = new Segment(new byte[] { 1, 0, 0 });
        var last = first.Append(new byte[] { 0, 2, 5, 6 });
        var buffer = new ReadOnlySequence<byte>(first, 0, last, 4);
        Assert.Equal(FrameStatus.Complete, MessageFraming.TryReadFrame(ref buffer, 100, out var frame, out _));
        Assert.True(frame.Compressed);
        Assert.Equal(new byte[] { 5, 6 }, frame.Payload.ToArray());
    }

    [Fact]
    public void WriteHeader_WritesFlagAndBigEndianLength()
    {
        var output = new ArrayBufferWriter<byte>();
        MessageFraming.WriteHeader(output, compressed: true, 0x01020304);
        Assert.Equal(new byte[] { 1, 1, 2, 3, 4 }, output.WrittenSpan.ToArray());
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes) => Memory = bytes;

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
