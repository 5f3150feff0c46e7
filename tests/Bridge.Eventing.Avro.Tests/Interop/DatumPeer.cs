using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Testing;

namespace Bridge.Eventing.Avro.Tests.Interop;

/// <summary>
/// Runs tests/interop/avro/datum_peer.py (Debian's python3-avro 1.11.1) on one request and
/// returns its answer; the process is killed if it outlives two minutes.
/// </summary>
public static class DatumPeer
{
    private const string Python = "/usr/bin/python3";

    public static async Task<JsonElement> RunAsync(JsonObject request)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "avro", "datum_peer.py");
        using var peer = ChildProcess.Start(Python, [script], request.ToJsonString(),
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
        if (!await peer.WaitForExitAsync(TimeSpan.FromMinutes(2)))
            throw new TimeoutException($"{peer.CommandLine} did not finish within 2 minutes: {peer.Stderr}");
        if (peer.ExitCode != 0)
            throw new InvalidOperationException($"datum_peer.py {request["op"]} exited {peer.ExitCode}: {peer.Stderr}");
        return JsonDocument.Parse(peer.Stdout).RootElement.Clone();
    }

    /// <summary>The answer's "mismatches": what python read that differs from what it was told to expect.</summary>
    public static List<string> Mismatches(JsonElement answer) =>
        answer.GetProperty("mismatches").EnumerateArray().Select(m => m.GetString()!).ToList();

    public static List<byte[]> HexList(JsonElement answer, string name) =>
        answer.GetProperty(name).EnumerateArray().Select(m => Convert.FromHexString(m.GetString()!)).ToList();
}
