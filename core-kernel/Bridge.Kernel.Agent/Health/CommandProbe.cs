using System.ComponentModel;
using System.Diagnostics;
using Bridge.Kernel.V1;

namespace Bridge.Kernel.Agent.Health;

/// <summary>
/// COMMAND check as Mesos runs it: the check's CommandInfo (shell unset or true: <c>/bin/sh -c
/// value</c>; shell false: <c>value</c> with <c>arguments</c> as argv, argv[0] included) in the task's
/// sandbox, with the caller's environment overlaid by the command's own variables; stdin is
/// <c>/dev/null</c> and both output streams are appended to the sandbox's <c>stderr</c> (Mesos sends
/// them to the executor's stderr, which is that file). Healthy when it exits with status 0. On
/// cancellation (timeout or stop) the process and its descendants get SIGKILL.
/// </summary>
internal sealed class CommandProbe : IHealthProbe
{
    // The wrapper redirects in the child, so the agent holds no pipes that a stray grandchild could
    // keep open, then execs the check itself (same pid, so a kill reaches it).
    private const string Wrapper = "exec </dev/null >>stderr 2>&1; exec \"$@\"";

    private readonly IReadOnlyList<string> _argv;
    private readonly string _sandbox;
    private readonly Dictionary<string, string> _environment;
    private readonly string _display;

    public CommandProbe(CommandInfo command, string sandbox, IReadOnlyDictionary<string, string> environment)
    {
        _argv = !command.HasShell || command.Shell ? ["/bin/sh", "-c", command.Value]
            : command.Arguments.Count == 0 ? [command.Value] : [command.Value, .. command.Arguments.Skip(1)];
        _display = !command.HasShell || command.Shell ? command.Value : string.Join(' ', _argv);
        _sandbox = sandbox;
        _environment = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        foreach (var variable in command.Environment?.Variables ?? []) _environment[variable.Name] = variable.Value;
    }

    public async Task<ProbeOutcome> RunAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var process = new Process { StartInfo = StartInfo() };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException)
        {
            return new ProbeOutcome(false, $"Command health check failed: '{_display}' could not start: {e.Message}");
        }
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
        var status = process.ExitCode;
        if (status == 0) return new ProbeOutcome(true, $"Command health check passed: '{_display}' exited with status 0");
        var how = status > 128 ? $"was terminated by signal {status - 128}" : $"exited with status {status}";
        return new ProbeOutcome(false, $"Command health check failed: '{_display}' {how}");
    }

    private ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = _sandbox };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Wrapper);
        start.ArgumentList.Add("health-check"); // $0
        foreach (var argument in _argv) start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in _environment) start.Environment[name] = value;
        return start;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the timeout and the kill: nothing left to stop.
        }
    }
}
