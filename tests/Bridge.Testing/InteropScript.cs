using System.Diagnostics;
using System.Text.Json;

namespace Bridge.Testing;

/// <summary>
/// Runs one case of an interop peer script (tests/interop/*.py, run with Debian's <c>/usr/bin/python3</c>) that ends
/// with the line <c>PASS case {json}</c> or <c>FAIL case: reason</c> and exits 0 on PASS; the scripts give up by
/// themselves after their <c>--timeout</c>, and this kills a script that outlives 90 s.
/// </summary>
public static class InteropScript
{
    /// <summary>Runs <paramref name="script"/> (a file under the test's <c>interop/</c> output folder) with
    /// <paramref name="arguments"/> and returns the JSON object of its <c>PASS name {...}</c> line.</summary>
    /// <exception cref="InvalidOperationException">It did not pass: its exit code, last line and stderr in the message.</exception>
    /// <exception cref="OperationCanceledException">It ran past 90 s (it is killed).</exception>
    public static async Task<JsonElement> RunCaseAsync(string script, string name, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "interop", script));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
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
        if (process.ExitCode != 0 || !last.StartsWith($"PASS {name} ", StringComparison.Ordinal))
            throw new InvalidOperationException($"{script} --case {name} exited {process.ExitCode}: {last}\n{await stderr}");
        return JsonDocument.Parse(last[$"PASS {name} ".Length..]).RootElement.Clone();
    }
}
