using System.Diagnostics;
using System.Text.Json;

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
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.StandardInput.WriteAsync(JsonSerializer.Serialize(texts).AsMemory(), deadline.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(deadline.Token);
            var output = await stdout;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{program} exited {process.ExitCode}: {await stderr}");
            var results = JsonSerializer.Deserialize<List<PeerResult>>(output, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
            if (results.Count != texts.Count)
                throw new InvalidOperationException($"{program} answered {results.Count} of {texts.Count}");
            return results;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
