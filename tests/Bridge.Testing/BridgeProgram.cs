using System.Reflection;

namespace Bridge.Testing;

/// <summary>
/// The real <c>bridge</c> program, <c>dotnet bridge.dll ...</c>, from the host's build output of the
/// configuration these helpers were built in (Release or Debug, the same as the tests). A test
/// project that starts it references host/Bridge.Host with <c>ReferenceOutputAssembly="false"</c>, so
/// that the host is built first.
/// </summary>
public static class BridgeProgram
{
    /// <summary>Starts <c>bridge</c> with <paramref name="arguments"/>; the caller disposes (kills) it.</summary>
    /// <exception cref="FileNotFoundException">The host has not been built in this configuration.</exception>
    public static ChildProcess Start(IEnumerable<string> arguments, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return ChildProcess.Start(dotnet, [Dll(), .. arguments], stdin, environment);
    }

    /// <summary>Runs <c>bridge</c> to its end and returns it, exited.</summary>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="timeout"/> (it is killed; the message has its output).</exception>
    public static async Task<ChildProcess> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, string? stdin = null)
    {
        var process = Start(arguments, stdin);
        if (await process.WaitForExitAsync(timeout)) return process;
        var output = $"stdout:\n{process.Stdout}\nstderr:\n{process.Stderr}";
        process.Dispose();
        throw new TimeoutException($"{process.CommandLine} did not exit within {timeout.TotalSeconds} s; {output}");
    }

    /// <summary><c>host/Bridge.Host/bin/CONFIGURATION/net10.0/bridge.dll</c> under the repository root (the directory holding Bridge.sln above this assembly).</summary>
    /// <exception cref="FileNotFoundException">No Bridge.sln above this assembly, or the host is not built.</exception>
    public static string Dll()
    {
        var configuration = typeof(BridgeProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value ?? "Release";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
        if (directory is null) throw new FileNotFoundException($"no Bridge.sln above {AppContext.BaseDirectory}");
        var dll = Path.Combine(directory.FullName, "host", "Bridge.Host", "bin", configuration, "net10.0", "bridge.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build host/Bridge.Host -c {configuration}", dll);
    }
}
