using System.Text.RegularExpressions;
using Bridge.Testing;

namespace Bridge.Eventing.Broker.ClientTests.Infrastructure;

/// <summary>
/// The real <c>bridge broker</c> program in its own process: <c>dotnet bridge.dll broker --port 0
/// --data DIR</c>, from the host's build output of the same configuration as this test assembly
/// (the project references Bridge.Host so it is built first). The port comes from the first stdout
/// line, <c>broker listening on 127.0.0.1:PORT data DIR</c>. Disposing kills the process.
/// </summary>
internal sealed partial class BrokerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ChildProcess _process;

    private BrokerProcess(ChildProcess process, string bootstrapServers)
    {
        _process = process;
        BootstrapServers = bootstrapServers;
    }

    /// <summary><c>127.0.0.1:PORT</c> as the broker printed it.</summary>
    public string BootstrapServers { get; }

    /// <summary>The broker's stderr so far (its log).</summary>
    public string Stderr => _process.Stderr;

    /// <summary>Starts the broker on a free port over <paramref name="dataDirectory"/> and waits for its listening line.</summary>
    public static async Task<BrokerProcess> StartAsync(string dataDirectory)
    {
        var process = BridgeProgram.Start(["broker", "--port", "0", "--data", dataDirectory]);
        try
        {
            bool listening = await process.WaitForLinesAsync(lines => lines.Count > 0, StartTimeout);
            Assert.True(listening, $"{process.CommandLine} printed nothing within {StartTimeout.TotalSeconds} s; stderr:\n{process.Stderr}");
            var match = ListeningLine().Match(process.Lines[0]);
            Assert.True(match.Success, $"unexpected first line from {process.CommandLine}: '{process.Lines[0]}'");
            Assert.Equal(Path.GetFullPath(dataDirectory).TrimEnd('/'), Path.GetFullPath(match.Groups["data"].Value).TrimEnd('/'));
            return new BrokerProcess(process, $"{match.Groups["host"].Value}:{match.Groups["port"].Value}");
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>kill -9: <see cref="System.Diagnostics.Process.Kill()"/> sends SIGKILL on Unix; no shutdown code runs.</summary>
    public void KillHard() => _process.Kill();

    public void Dispose() => _process.Dispose();

    [GeneratedRegex(@"^broker listening on (?<host>[0-9.]+):(?<port>\d+) data (?<data>.+)$")]
    private static partial Regex ListeningLine();
}
