using System.Buffers;
using System.Text.Json;
using Bridge.Eventing.Broker.Protocol;

namespace Bridge.Eventing.Broker.Tests;

/// <summary>Test helpers: encode a body or a frame to bytes, compare messages structurally.</summary>
internal static class Codec
{
    public static byte[] Body(IKafkaMessage message, short version)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(output);
        message.Write(ref writer, version);
        writer.Flush();
        var counter = KafkaWriter.CreateCounter();
        message.Write(ref counter, version);
        Assert.Equal(output.WrittenCount, counter.BytesWritten);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] RequestFrame(RequestHeader header, IKafkaRequest request)
    {
        var output = new ArrayBufferWriter<byte>();
        long written = RequestEncoder.Encode(output, header, request);
        Assert.Equal(output.WrittenCount, written);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] ResponseFrame(RequestHeader header, IKafkaResponse response)
    {
        var output = new ArrayBufferWriter<byte>();
        long written = ResponseEncoder.Encode(output, header, response);
        Assert.Equal(output.WrittenCount, written);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Structural form of a message (records compare lists by reference, JSON does not).</summary>
    public static string Json(object message) => JsonSerializer.Serialize(message, message.GetType());

    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(char.IsAsciiHexDigit)));
}
