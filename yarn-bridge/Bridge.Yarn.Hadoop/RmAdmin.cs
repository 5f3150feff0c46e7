using System.Diagnostics;
using System.Globalization;
using Bridge.Yarn.ResourceManager.Records;

namespace Bridge.Yarn.Hadoop;

/// <summary>Runs a command and returns its exit code and standard error (injected, so tests record the argv).</summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="argv"/> to its end.</summary>
    /// <returns>The exit code and what it wrote on stderr.</returns>
    Task<(int ExitCode, string Stderr)> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken);
}

/// <summary>Runs commands as processes.</summary>
public sealed class ProcessRunner : ICommandRunner
{
    /// <inheritdoc />
    public async Task<(int ExitCode, string Stderr)> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(argv[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in argv.Skip(1)) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{argv[0]} did not start");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stderr);
    }
}

/// <summary>
/// What the Hadoop adapter asks of <c>yarn rmadmin</c> where the RM's REST API has no route (Hadoop's
/// <c>RMAdminCLI</c>): <c>-updateNodeResource NODE MEMORY VCORES -1</c> (YARN-313) and a graceful
/// <c>-refreshNodes -g TIMEOUT -client</c> after the node's host is written to the exclude file the RM reads
/// (<c>yarn.resourcemanager.nodes.exclude-path</c>), one host per line.
/// </summary>
/// <param name="yarn">The <c>yarn</c> command (e.g. <c>$HADOOP_HOME/bin/yarn</c>).</param>
/// <param name="excludeFile">The RM's exclude file, or null when decommissioning is not configured.</param>
/// <param name="runner">Runs the commands.</param>
public sealed class RmAdmin(string yarn, string? excludeFile, ICommandRunner runner)
{
    /// <summary>The argv of <c>yarn rmadmin -updateNodeResource</c>.</summary>
    public IReadOnlyList<string> UpdateNodeResourceArgv(NodeId node, Resource resource) =>
        [yarn, "rmadmin", "-updateNodeResource", node.ToString(), resource.MemoryMb.ToString(CultureInfo.InvariantCulture),
            resource.VCores.ToString(CultureInfo.InvariantCulture), "-1"];

    /// <summary>The argv of a graceful <c>yarn rmadmin -refreshNodes</c> with <paramref name="timeout"/> (whole seconds).</summary>
    public IReadOnlyList<string> GracefulRefreshArgv(TimeSpan timeout) =>
        [yarn, "rmadmin", "-refreshNodes", "-g", ((long)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "-client"];

    /// <summary>Sets a node's resource.</summary>
    /// <exception cref="HadoopRmException">The command failed (its exit code and stderr in the message).</exception>
    public Task UpdateNodeResourceAsync(NodeId node, Resource resource, CancellationToken cancellationToken) =>
        RunAsync(UpdateNodeResourceArgv(node, resource), cancellationToken);

    /// <summary>Adds the node's host to the exclude file (once) and refreshes the nodes gracefully.</summary>
    /// <exception cref="HadoopRmException">No exclude file is configured, or the command failed.</exception>
    public async Task DecommissionAsync(NodeId node, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (excludeFile is null) throw new HadoopRmException("decommissioning needs the RM's exclude file (yarn.resourcemanager.nodes.exclude-path)");
        var hosts = File.Exists(excludeFile) ? await File.ReadAllLinesAsync(excludeFile, cancellationToken) : [];
        if (!hosts.Contains(node.Host, StringComparer.Ordinal)) await File.AppendAllLinesAsync(excludeFile, [node.Host], cancellationToken);
        await RunAsync(GracefulRefreshArgv(timeout), cancellationToken);
    }

    private async Task RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var (exit, stderr) = await runner.RunAsync(argv, cancellationToken);
        if (exit != 0) throw new HadoopRmException($"{string.Join(' ', argv)} exited {exit}: {stderr.Trim()}");
    }
}
