using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bridge.Kernel.Coordination.Etcd;

/// <summary>
/// A single-member etcd (Debian's <c>etcd-server</c>, <c>/usr/bin/etcd</c>) on loopback with its own data dir, for
/// the tests and <c>bridge chaos</c>: started with fast raft timings (heartbeat 50 ms, election 250 ms) so it grants
/// leases of 1 s, stopped with SIGKILL, and restartable on the same ports and data.
/// </summary>
public sealed class EtcdProcess : IAsyncDisposable
{
    private Process? _process;

    private EtcdProcess(string dataDir, int clientPort, int peerPort, string binary)
    {
        DataDir = dataDir;
        ClientPort = clientPort;
        PeerPort = peerPort;
        Binary = binary;
    }

    /// <summary>The etcd binary (default <c>/usr/bin/etcd</c>, or <c>BRIDGE_ETCD</c>).</summary>
    public string Binary { get; }

    /// <summary>The member's data directory.</summary>
    public string DataDir { get; }

    /// <summary>The client port on 127.0.0.1.</summary>
    public int ClientPort { get; }

    /// <summary>The peer port on 127.0.0.1.</summary>
    public int PeerPort { get; }

    /// <summary>The client URL, <c>http://127.0.0.1:PORT</c>.</summary>
    public Uri ClientUrl => new($"http://127.0.0.1:{ClientPort}");

    /// <summary>Whether the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts etcd in <paramref name="dataDir"/> (created) on free loopback ports and waits until it answers.</summary>
    /// <exception cref="FileNotFoundException">No etcd binary (install Debian's <c>etcd-server</c>).</exception>
    /// <exception cref="TimeoutException">It did not answer within 30 s; its output is in the message.</exception>
    public static async Task<EtcdProcess> StartAsync(string dataDir, CancellationToken cancellationToken = default)
    {
        var binary = Environment.GetEnvironmentVariable("BRIDGE_ETCD") is { Length: > 0 } b ? b : "/usr/bin/etcd";
        if (!File.Exists(binary)) throw new FileNotFoundException($"etcd is not installed at {binary} (apt-get install etcd-server)", binary);
        var etcd = new EtcdProcess(dataDir, FreePort(), FreePort(), binary);
        await etcd.RestartAsync(cancellationToken).ConfigureAwait(false);
        return etcd;
    }

    /// <summary>Starts etcd with a fresh data dir under the temp directory (deleted when disposed).</summary>
    /// <exception cref="FileNotFoundException">No etcd binary.</exception>
    /// <exception cref="TimeoutException">It did not answer within 30 s.</exception>
    public static Task<EtcdProcess> StartTemporaryAsync(CancellationToken cancellationToken = default) =>
        StartAsync(Path.Combine(Path.GetTempPath(), "bridge-etcd", Guid.NewGuid().ToString("N")[..12]), cancellationToken);

    /// <summary>Starts the process again (after <see cref="Kill"/>) on the same ports and data.</summary>
    /// <exception cref="TimeoutException">It did not answer within 30 s.</exception>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning) return;
        Directory.CreateDirectory(DataDir);
        var peer = $"http://127.0.0.1:{PeerPort}";
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--name", "bridge", "--data-dir", DataDir,
            "--listen-client-urls", ClientUrl.ToString().TrimEnd('/'), "--advertise-client-urls", ClientUrl.ToString().TrimEnd('/'),
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"bridge={peer}",
            "--heartbeat-interval", "50", "--election-timeout", "250", "--logger", "zap", "--log-level", "error",
        }) start.ArgumentList.Add(arg);
        var output = new System.Text.StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        using var client = new EtcdClient([ClientUrl], new EtcdClientOptions { CallTimeout = TimeSpan.FromSeconds(1) });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await client.StatusAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (EtcdException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            catch (EtcdException e)
            {
                Kill();
                lock (output) throw new TimeoutException($"etcd on {ClientUrl} did not answer ({e.Message}); its output: {output}");
            }
        }
    }

    /// <summary>SIGKILL: etcd is gone at once, as a crashed member or an unreachable one.</summary>
    public void Kill()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _process = null;
    }

    /// <summary>Kills the process and deletes its data dir.</summary>
    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
