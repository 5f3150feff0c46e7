using System.Buffers.Binary;
using System.Text;
using Bridge.Eventing.Client;

namespace Bridge.Eventing.Bus.Tests.Infrastructure;

/// <summary>Record values in the Confluent wire format (magic 0, schema id, body) for tests that do not care about the Avro body.</summary>
internal static class Values
{
    /// <summary>A framed value with schema id <paramref name="schemaId"/> and body <paramref name="text"/> in UTF-8.</summary>
    public static byte[] Framed(string text, int schemaId = 1)
    {
        var body = Encoding.UTF8.GetBytes(text);
        var value = new byte[5 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(1), schemaId);
        body.CopyTo(value, 5);
        return value;
    }

    /// <summary>The body text of a framed value.</summary>
    public static string Text(byte[] value) => Encoding.UTF8.GetString(value, 5, value.Length - 5);

    /// <summary>A record keyed <paramref name="key"/> with body <paramref name="text"/>.</summary>
    public static OutgoingRecord Record(string key, string text) => new(Encoding.UTF8.GetBytes(key), Framed(text));
}
