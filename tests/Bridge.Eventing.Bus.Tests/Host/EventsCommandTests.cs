using Bridge.Testing;
using System.Text.Json.Nodes;
using Bridge.Eventing.Bus.Tests.Typed;

namespace Bridge.Eventing.Bus.Tests.Host;

/// <summary>
/// <c>bridge events publish</c> and <c>bridge events tail</c> as separate processes against an
/// in-process bus and schema registry: JSON lines in, records on the bus, JSON lines out.
/// </summary>
[Collection(RegistryBusCollection.Name)]
public sealed class EventsCommandTests(RegistryBusFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("bridge-events-cli-").FullName;

    [Fact]
    public async Task Publish_JsonLines_TailPrintsThemBack_AndABadLineIsReportedByItsNumber()
    {
        const string topic = "cli.readings";
        await fixture.Harness.CreateTopicAsync(topic);
        var schema = Path.Combine(_directory, "reading.avsc");
        await File.WriteAllTextAsync(schema, """
            {"type": "record", "name": "Reading", "namespace": "bridge.tests", "fields": [
              {"name": "sensor", "type": "string"},
              {"name": "celsius", "type": "double"},
              {"name": "note", "type": ["null", "string"], "default": null}]}
            """);
        string[] endpoints = ["--bus", fixture.Harness.Bus.Api.Address.ToString().TrimEnd('/'), "--registry", fixture.RegistryAddress.ToString()];
        const string stdin = """
            {"sensor": "s1", "celsius": 21.5, "note": null}
            {"sensor": "s2", "celsius":
            {"sensor": "s3", "celsius": -4.25, "note": "cold"}

            """;

        using var publish = await BridgeProgram.RunAsync(["events", "publish", "--topic", topic, "--schema", schema, "--key-field", "sensor", .. endpoints], Timeout, stdin);

        // The documented contract: each bad line is reported on stderr by number, the others are published, the exit code is 1.
        Assert.True(publish.ExitCode == 1, $"exit {publish.ExitCode}; stdout:\n{publish.Stdout}\nstderr:\n{publish.Stderr}");
        Assert.Contains("line 2: ", publish.Stderr);
        Assert.DoesNotContain("line 1:", publish.Stderr);
        Assert.Contains("line 1: partition 0 offset 0", publish.Lines);
        Assert.Contains("line 3: partition 0 offset 1", publish.Lines);

        using var tail = await BridgeProgram.RunAsync(["events", "tail", "--topic", topic, "--from-beginning", "--count", "2", .. endpoints], Timeout);

        Assert.True(tail.ExitCode == 0, $"exit {tail.ExitCode}; stderr:\n{tail.Stderr}");
        var registered = await fixture.Registry.GetLatestAsync($"{topic}-value");
        var lines = tail.Lines.Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(["s1", "s3"], lines.Select(l => (string)l["key"]!));
        Assert.Equal([0L, 1L], lines.Select(l => (long)l["offset"]!));
        Assert.All(lines, l => Assert.Equal(registered.Id, (int)l["schema_id"]!));
        Assert.Equal([("s1", 21.5, null), ("s3", -4.25, "cold")],
            lines.Select(l => l["value"]!).Select(v => ((string)v["sensor"]!, (double)v["celsius"]!, (string?)v["note"])));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
