using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Eventing.Avro.SingleObject;
using Bridge.Eventing.Avro.Tests.Codec;
using Bridge.Testing;

namespace Bridge.Eventing.Avro.Tests.Interop;

/// <summary>
/// Single-object encoding against an implementation that has it: Java's
/// org.apache.avro.message.BinaryMessageDecoder/Encoder in Debian's libavro-java 1.8.2
/// (tests/interop/avro/SingleObjectPeer.java). Java finds the schema by its own fingerprint of the
/// header, decodes our message, and its encoder writes our header and a body of our length that
/// decodes to the same datum (not always the same bytes: Java's generic maps are HashMaps, so map
/// entries come back in hash order).
/// </summary>
[Trait("Category", "Interop")]
public class SingleObjectJavaInteropTests
{
    private static readonly string[] ClassPath = ["avro.jar", "jackson-core-asl.jar", "jackson-mapper-asl.jar", "slf4j-api.jar", "slf4j-nop.jar"];

    private static async Task<JsonElement> JavaAsync(string schema, IEnumerable<byte[]> messages)
    {
        var request = new JsonObject
        {
            ["schema"] = schema, ["messages"] = new JsonArray(messages.Select(m => (JsonNode)Convert.ToHexString(m)).ToArray()),
        };
        using var peer = ChildProcess.Start("java",
            ["-cp", string.Join(':', ClassPath.Select(j => Path.Combine("/usr/share/java", j))), Path.Combine(AppContext.BaseDirectory, "interop", "avro", "SingleObjectPeer.java")],
            request.ToJsonString());
        if (!await peer.WaitForExitAsync(TimeSpan.FromMinutes(2)))
            throw new TimeoutException($"{peer.CommandLine} did not finish within 2 minutes: {peer.Stderr}");
        Assert.True(peer.ExitCode == 0, $"java exited {peer.ExitCode}: {peer.Stderr}");
        return JsonDocument.Parse(peer.Stdout).RootElement.Clone();
    }

    [Fact]
    public async Task Java_DecodesOurMessages_AndReencodesThemToTheSameDatums()
    {
        var encoder = new SingleObjectEncoder(DatumCorpus.Everything);
        var datums = InteropDatums.Everything();
        var ours = datums.Select(encoder.Encode).ToList();
        var answer = await JavaAsync(DatumCorpus.Everything.ToJson(), ours);
        Assert.Empty(answer.GetProperty("errors").EnumerateArray());
        var theirs = answer.GetProperty("reencoded").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToList();
        var decoder = new SingleObjectDecoder(new WriterSchemaStore(DatumCorpus.Everything));
        for (var i = 0; i < datums.Count; i++)
        {
            Assert.Equal(ours[i][..10], theirs[i][..10]);
            Assert.Equal(ours[i].Length, theirs[i].Length);
            Assert.Equal(datums[i], decoder.Decode(theirs[i]));
        }
    }

    [Fact]
    public async Task Java_RefusesAMessageWhoseFingerprintIsNotItsSchemas()
    {
        var message = new SingleObjectEncoder(DatumCorpus.Everything).Encode(DatumCorpus.EverythingDatum(1));
        message[2] ^= 1;
        var answer = await JavaAsync(DatumCorpus.Everything.ToJson(), [message]);
        Assert.Contains("MissingSchemaException", answer.GetProperty("errors")[0].GetString());
    }
}
