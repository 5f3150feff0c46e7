using System.Diagnostics;
using System.Text.Json;

namespace Bridge.Yarn.ResourceManager.Server.Tests.Interop;

/// <summary>
/// A YARN client written with grpcio (tests/interop/yarn_client.py, code generated at test time from our protos by
/// Debian's grpc_tools) against the embedded ResourceManager: ApplicationClientProtocol as a peer nobody here wrote
/// speaks it.
/// </summary>
[Trait("Category", "Interop")]
public class PythonClientTests
{
    [Fact]
    public async Task GrpcioClient_GetsAnId_Submits_AndSeesItsApplicationAccepted()
    {
        await using var rm = await RmHarness.StartAsync();

        var result = await RunAsync(rm, "submit");

        var id = result.GetProperty("application_id").GetString()!;
        Assert.StartsWith($"application_{rm.Rm.ClusterTimestamp}_", id);
        Assert.Equal(("interop-python", "default", "interop"),
            (result.GetProperty("name").GetString(), result.GetProperty("queue").GetString(), result.GetProperty("user").GetString()));
        Assert.Equal("ACCEPTED", result.GetProperty("states").EnumerateArray().Last().GetString());
        Assert.Equal(8192, result.GetProperty("maximum_memory").GetInt64());
        var report = await rm.Rm.ReadAsync(core => core.Application(ApplicationId.Parse(id)));
        Assert.NotNull(report);
        Assert.Equal("interop", report.User);
    }

    [Fact]
    public async Task GrpcioClient_ReportOfAnUnknownApplication_IsNotFound()
    {
        await using var rm = await RmHarness.StartAsync();

        var result = await RunAsync(rm, "unknown");

        Assert.Equal("NOT_FOUND", result.GetProperty("code").GetString());
        Assert.Contains("application_1_0999", result.GetProperty("details").GetString());
    }

    /// <summary>Runs one case; asserts it passed and returns the JSON object of its "PASS case {...}" line.</summary>
    private static async Task<JsonElement> RunAsync(RmHarness rm, string name)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "interop", "yarn_client.py"),
                     "--rm", $"127.0.0.1:{rm.Server.Address.Port}", "--case", name,
                     "--proto-root", Path.Combine(AppContext.BaseDirectory, "proto"), "--timeout", "60" })
            info.ArgumentList.Add(a);
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)); // the script gives up by itself at 60 s
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var last = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        Assert.True(process.ExitCode == 0 && last.StartsWith($"PASS {name} ", StringComparison.Ordinal),
            $"yarn_client.py --case {name} exited {process.ExitCode}: {last}\n{await stderr}");
        return JsonDocument.Parse(last[$"PASS {name} ".Length..]).RootElement.Clone();
    }
}
