using System.Diagnostics;

namespace Bridge.Rpc.Tests.Interop;

/// <summary>
/// Runs the grpcio helpers in tests/interop/ (copied next to the test assembly) with Debian's
/// interpreter, which is where python3-grpcio is installed (./test.sh installs it).
/// </summary>
public static class PythonPeer
{
    public const string Interpreter = "/usr/bin/python3";

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "interop", name);

    public static ProcessStartInfo StartInfo(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Script(script));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        return info;
    }
}

/// <summary>grpcio's Echo server (echo_server.py) on a loopback port, for a test class.</summary>
public sealed class PythonEchoServerFixture : IAsyncLifetime, Loopback.IEchoServer
{
    private Process? _process;

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _process = Process.Start(PythonPeer.StartInfo("echo_server.py", "--port", "0"))!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"echo_server.py exited: {await _process.StandardError.ReadToEndAsync()}");
            if (line.StartsWith("PORT ", StringComparison.Ordinal))
            {
                Address = new Uri($"http://127.0.0.1:{int.Parse(line[5..])}");
                return;
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        _process.StandardInput.Close(); // the server stops at EOF on stdin
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
