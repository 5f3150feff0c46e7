using System.Text.Json;
using Bridge.Testing;

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

    private static Task<JsonElement> RunAsync(RmHarness rm, string name) => InteropScript.RunCaseAsync("yarn_client.py", name,
        ["--rm", $"127.0.0.1:{rm.Server.Address.Port}", "--case", name, "--proto-root", Path.Combine(AppContext.BaseDirectory, "proto"), "--timeout", "60"]);
}
