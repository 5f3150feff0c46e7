using System.CommandLine;
using System.Reflection;

namespace Bridge.Host;

/// <summary><c>bridge version</c>: the version and the git commit the binary was built from.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version and the commit it was built from.");
        command.SetAction(_ =>
        {
            Console.WriteLine($"bridge {Describe()}");
            return 0;
        });
        return command;
    }

    /// <summary>"0.1.0 (commit 1a2b3c4d5e6f)", from the informational version the SDK stamps with the git commit.</summary>
    public static string Describe()
    {
        var info = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = info.IndexOf('+');
        return plus < 0 ? $"{info} (commit unknown)" : $"{info[..plus]} (commit {info[(plus + 1)..]})";
    }
}
