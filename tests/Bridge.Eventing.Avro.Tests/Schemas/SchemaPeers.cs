using System.Text.Json;
using Bridge.Testing;

namespace Bridge.Eventing.Avro.Tests.Schemas;

/// <summary>One peer's verdict on one schema text.</summary>
public sealed record PeerResult(bool Ok, string? Canonical, string? Fingerprint, string? Error);

/// <summary>
/// The independent Avro implementations on this machine, run over a batch of schema texts:
/// Debian's python3-avro 1.11.1 (tests/interop/avro/schema_peer.py) and Debian's libavro-java
/// 1.8.2 (SchemaPeer.java, run as a single source file by Java 17). ./test.sh installs both.
/// Each run is one process, killed if it outlives its deadline.
/// </summary>
public static class SchemaPeers
{
    private const string Python = "/usr/bin/python3";
    private const string JavaJars = "/usr/share/java";
    private static readonly string[] ClassPath = ["avro.jar", "jackson-core-asl.jar", "jackson-mapper-asl.jar", "slf4j-api.jar", "slf4j-nop.jar"];

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "interop", "avro", name);

    /// <summary>python3-avro's parse and <c>canonical_form</c> of each text (it has no fingerprint function).</summary>
    public static Task<IReadOnlyList<PeerResult>> PythonAsync(IReadOnlyList<string> texts) =>
        RunAsync(Python, [Script("schema_peer.py")], texts);

    /// <summary>Java's <c>SchemaNormalization.toParsingForm</c> and <c>parsingFingerprint64</c> of each text.</summary>
    public static Task<IReadOnlyList<PeerResult>> JavaAsync(IReadOnlyList<string> texts) =>
        RunAsync("java", ["-cp", string.Join(':', ClassPath.Select(j => Path.Combine(JavaJars, j))), Script("SchemaPeer.java")], texts);

    /// <summary>Java's <c>SchemaNormalization.fingerprint64</c> of each string's UTF-8 bytes.</summary>
    public static Task<IReadOnlyList<PeerResult>> JavaFingerprintsAsync(IReadOnlyList<string> texts) =>
        RunAsync("java", ["-cp", string.Join(':', ClassPath.Select(j => Path.Combine(JavaJars, j))), Script("SchemaPeer.java"), "bytes"], texts);

    private static async Task<IReadOnlyList<PeerResult>> RunAsync(string program, string[] arguments, IReadOnlyList<string> texts)
    {
        using var peer = ChildProcess.Start(program, arguments, JsonSerializer.Serialize(texts),
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
        if (!await peer.WaitForExitAsync(TimeSpan.FromMinutes(2)))
            throw new TimeoutException($"{peer.CommandLine} did not finish within 2 minutes: {peer.Stderr}");
        if (peer.ExitCode != 0)
            throw new InvalidOperationException($"{program} exited {peer.ExitCode}: {peer.Stderr}");
        var results = JsonSerializer.Deserialize<List<PeerResult>>(peer.Stdout, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        if (results.Count != texts.Count)
            throw new InvalidOperationException($"{program} answered {results.Count} of {texts.Count}");
        return results;
    }
}
