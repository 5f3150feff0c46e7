using System.Diagnostics;
using Bridge.Rpc.Tests.Loopback;

namespace Bridge.Rpc.Tests.Interop;

/// <summary>grpcio's client (echo_client.py) against our server, one case per run.</summary>
[Trait("Category", "Interop")]
public class PythonClientTests : IClassFixture<EchoServerFixture>
{
    private readonly EchoServerFixture _server;

    public PythonClientTests(EchoServerFixture server) => _server = server;

    [Theory]
    [InlineData("unary")]
    [InlineData("server_stream")]
    [InlineData("client_stream")]
    [InlineData("duplex")]
    [InlineData("error_status")]
    [InlineData("error_after_stream")]
    [InlineData("deadline")]
    [InlineData("deadline_propagated")]
    [InlineData("cancel")]
    [InlineData("server_cancel")]
    [InlineData("metadata")]
    [InlineData("metadata_on_error")]
    [InlineData("large")]
    [InlineData("too_large")]
    [InlineData("unimplemented")]
    [InlineData("gzip")]
    public async Task GrpcioClient_Case_Passes(string name)
    {
        using var process = Process.Start(PythonPeer.StartInfo("echo_client.py",
            "--target", $"127.0.0.1:{_server.Server.Port}", "--case", name))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        var output = (await stdout).Trim();
        Assert.True(process.ExitCode == 0, $"echo_client.py --case {name} exited {process.ExitCode}: {output} {await stderr}");
        Assert.Equal($"PASS {name}", output);
    }
}
