using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bridge.Schedulers.Services.Definitions.Internal;

/// <summary>Writes JSON text the way the REST API answers: compact, with only the escaping JSON
/// requires (so <c>&amp;&amp;</c> in a command stays readable).</summary>
internal static class JsonText
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options)) write(writer);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
