using System.CommandLine;

namespace Bridge.Host;

/// <summary>What <c>bridge services</c> and <c>bridge jobs</c> share: the <c>--master</c> option, the
/// optional <c>--bus</c> and <c>--registry</c> to publish the scheduler's events on, and starting a
/// scheduler, or saying on stderr why it cannot start.</summary>
internal static class SchedulerCommand
{
    /// <summary><c>--master</c>, default <c>BRIDGE_MASTER</c> or http://127.0.0.1:5050.</summary>
    public static Option<string> MasterOption() => new("--master")
    {
        Description = "The master's address; several, comma-separated, when masters elect a leader in etcd (the scheduler follows the leader).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_MASTER") ?? "http://127.0.0.1:5050",
    };

    /// <summary>The masters' URLs from <paramref name="text"/> (<c>host:port</c> or a URL; several, comma-separated, when
    /// masters elect a leader in etcd), or null after saying why on stderr.</summary>
    public static IReadOnlyList<Uri>? Masters(string text, string command)
    {
        var masters = new List<Uri>();
        foreach (var one in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(ServicesCommand.Address(one), UriKind.Absolute, out var master))
            {
                Console.Error.WriteLine($"{command}: --master '{one}' is not an address");
                return null;
            }
            masters.Add(master);
        }
        if (masters.Count > 0) return masters;
        Console.Error.WriteLine($"{command}: --master names no master");
        return null;
    }

    /// <summary><c>--bus</c>: the bus's API tier to publish the scheduler's events on (none by default).</summary>
    public static Option<string?> BusOption() => new("--bus")
    {
        Description = "Publish the scheduler's events on this event bus (its API tier's address; needs --registry).",
    };

    /// <summary><c>--registry</c>: the schema registry the events' schemas are registered in (none by default).</summary>
    public static Option<string?> RegistryOption() => new("--registry")
    {
        Description = "The schema registry for the events published with --bus.",
    };

    /// <summary>
    /// The bus and registry URLs from <c>--bus</c> and <c>--registry</c>: (null, null) when neither is
    /// given, false after saying why on stderr when only one is, or one is not an address.
    /// </summary>
    public static bool TryBus(string? bus, string? registry, string command, out (Uri Bus, Uri Registry)? endpoints)
    {
        endpoints = null;
        if (bus is null && registry is null) return true;
        if (bus is null || registry is null)
        {
            Console.Error.WriteLine($"{command}: --bus and --registry go together");
            return false;
        }
        if (!Uri.TryCreate(ServicesCommand.Address(bus), UriKind.Absolute, out var busUri) || !Uri.TryCreate(ServicesCommand.Address(registry), UriKind.Absolute, out var registryUri))
        {
            Console.Error.WriteLine($"{command}: --bus '{bus}' or --registry '{registry}' is not an address");
            return false;
        }
        endpoints = (busUri, registryUri);
        return true;
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
