using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Eventing.Broker.Protocol;

namespace Bridge.Eventing.Broker.Tests;

/// <summary>
/// The codec's bytes for every sample equal the bytes an independent encoder derives from
/// Kafka's own JSON message specs (tests/interop/kafka/spec_encode.py, run against
/// clients/src/main/resources/common/message of apache/kafka; see docs/broker.md).
/// </summary>
/// <remarks>
/// SpecGolden/samples.json holds the samples as the encoder saw them; if a sample changes,
/// <see cref="SamplesJson_IsCurrent"/> fails. To regenerate: run the tests with
/// BRIDGE_UPDATE_GOLDEN=1 (rewrites samples.json), then spec_encode.py (rewrites spec-golden.tsv).
/// </remarks>
public class SpecGoldenTests
{
    private static readonly string GoldenDir = Path.Combine(AppContext.BaseDirectory, "SpecGolden");

    public static TheoryData<ApiKey, short, string> Bodies()
    {
        var data = new TheoryData<ApiKey, short, string>();
        foreach (var (api, version) in Pairs())
        {
            data.Add(api, version, "request");
            data.Add(api, version, "response");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Body_EqualsSpecEncoderBytes(ApiKey api, short version, string kind)
    {
        var golden = File.ReadLines(Path.Combine(GoldenDir, "spec-golden.tsv"))
            .Select(l => l.Split('\t'))
            .Single(f => f[0] == ((short)api).ToString() && f[1] == version.ToString() && f[2] == kind);
        IKafkaMessage sample = kind == "request" ? Samples.Request(api, version) : Samples.Response(api, version);

        Assert.Equal(golden[3], Convert.ToHexStringLower(Codec.Body(sample, version)));
    }

    [Fact]
    public void SamplesJson_IsCurrent()
    {
        string current = CurrentSamplesJson();
        if (Environment.GetEnvironmentVariable("BRIDGE_UPDATE_GOLDEN") == "1")
            File.WriteAllText(Path.Combine(SourceDir(), "SpecGolden", "samples.json"), current);
        string committed = File.ReadAllText(Path.Combine(GoldenDir, "samples.json"));
        Assert.True(committed == current,
            "Samples changed since spec-golden.tsv was derived: rerun with BRIDGE_UPDATE_GOLDEN=1, then tests/interop/kafka/spec_encode.py.");
    }

    private static IEnumerable<(ApiKey, short)> Pairs() =>
        KafkaApis.All.SelectMany(a => Enumerable.Range(a.MinVersion, a.MaxVersion - a.MinVersion + 1).Select(v => (a.Key, (short)v)));

    private static string CurrentSamplesJson()
    {
        var all = new JsonArray();
        foreach (var (api, version) in Pairs())
        {
            foreach (var kind in new[] { "request", "response" })
            {
                IKafkaMessage sample = kind == "request" ? Samples.Request(api, version) : Samples.Response(api, version);
                all.Add(new JsonObject
                {
                    ["api"] = (short)api, ["version"] = version, ["kind"] = kind,
                    ["message"] = JsonNode.Parse(Codec.Json(sample)),
                });
            }
        }
        return all.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static string SourceDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
