using System.CommandLine;

namespace Bridge.Host;

/// <summary>What <c>bridge services</c> and <c>bridge jobs</c> share: the <c>--master</c> option and
/// starting a scheduler, or saying on stderr why it cannot start.</summary>
internal static class SchedulerCommand
{
    /// <summary><c>--master</c>, default <c>BRIDGE_MASTER</c> or http://127.0.0.1:5050.</summary>
    public static Option<string> MasterOption() => new("--master")
    {
        Description = "The master's address.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_MASTER") ?? "http://127.0.0.1:5050",
    };

    /// <summary>The master's URL from <paramref name="text"/> (<c>host:port</c> or a URL), or null after saying why on stderr.</summary>
    public static Uri? Master(string text, string command)
    {
        if (Uri.TryCreate(ServicesCommand.Address(text), UriKind.Absolute, out var master)) return master;
        Console.Error.WriteLine($"{command}: --master '{text}' is not an address");
        return null;
    }

    /// <summary>Runs <paramref name="start"/>, or prints why it failed (its state is held or broken, the port in use) and returns null.</summary>
    public static async Task<T?> StartAsync<T>(Func<Task<T>> start, string command, string what) where T : class
    {
        try
        {
            return await start();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            Console.Error.WriteLine($"{command}: cannot start the {what}: {e.Message}");
            return null;
        }
    }
}
