using System.Reflection;
using Bridge.Testing;

namespace Bridge.Eventing.Bus.Tests.Host;

/// <summary>
/// The real <c>bridge</c> program, <c>dotnet bridge.dll ...</c>, from the host's build output of the
/// same configuration as this test assembly (the test project references Bridge.Host, unreferenced,
/// so that it is built first).
/// </summary>
internal static class HostProgram
{
    /// <summary>Starts <c>bridge</c> with <paramref name="arguments"/>; the caller disposes (kills) it.</summary>
    public static ChildProcess Start(IEnumerable<string> arguments, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return ChildProcess.Start(dotnet, [Dll(), .. arguments], stdin, environment);
    }

    /// <summary>Runs <c>bridge</c> to its end (at most <paramref name="timeout"/>) and returns it, exited.</summary>
    public static async Task<ChildProcess> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, string? stdin = null)
    {
        var process = Start(arguments, stdin);
        if (!await process.WaitForExitAsync(timeout))
        {
            var output = $"stdout:\n{process.Stdout}\nstderr:\n{process.Stderr}";
            process.Dispose();
            Assert.Fail($"{process.CommandLine} did not exit within {timeout.TotalSeconds} s; {output}");
        }
        return process;
    }

    /// <summary><c>host/Bridge.Host/bin/CONFIGURATION/net10.0/bridge.dll</c> under the repository root (the directory holding Bridge.sln above this assembly).</summary>
    private static string Dll()
    {
        var configuration = typeof(HostProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value ?? "Release";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
        Assert.True(directory is not null, $"no Bridge.sln above {AppContext.BaseDirectory}");
        var dll = Path.Combine(directory.FullName, "host", "Bridge.Host", "bin", configuration, "net10.0", "bridge.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build host/Bridge.Host -c {configuration}");
        return dll;
    }
}
