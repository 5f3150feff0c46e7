using System.Runtime.InteropServices;

namespace Bridge.Host;

/// <summary>Completes when the process is asked to stop: Ctrl-C (SIGINT) or SIGTERM.</summary>
internal static class Shutdown
{
    /// <summary>Waits for SIGINT/SIGTERM or <paramref name="cancellationToken"/>.</summary>
    public static async Task WaitAsync(CancellationToken cancellationToken)
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var registration = cancellationToken.Register(() => stop.TrySetResult());
        await stop.Task;
    }

    /// <summary>Parses <c>host:port</c> (or a full <c>http://host:port</c> URI) into the master's URI.</summary>
    /// <exception cref="FormatException">Not an address.</exception>
    public static Uri MasterUri(string address) =>
        Uri.TryCreate(address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address, UriKind.Absolute, out var uri) && uri.Port > 0
            ? uri
            : throw new FormatException($"'{address}' is not HOST:PORT");

    /// <summary>The masters of a <c>--master</c> value: one <c>HOST:PORT</c> (or URI), or several, comma-separated, when
    /// masters elect a leader in etcd (the first is tried first); null (after telling the user on stderr, as
    /// <c>bridge COMMAND: --master ...</c>) when one is not an address; the command then exits 2.</summary>
    public static IReadOnlyList<Uri>? MastersOrReport(string addresses, string command)
    {
        try
        {
            var masters = addresses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(MasterUri).ToArray();
            return masters.Length > 0 ? masters : throw new FormatException("names no master");
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"bridge {command}: --master {e.Message}");
            return null;
        }
    }
}
