using System.CommandLine;
using System.Net;
using Bridge.Eventing.Schemas;
using Bridge.Eventing.Schemas.Store;
using Microsoft.Extensions.Logging;

namespace Bridge.Host;

/// <summary><c>bridge registry</c>: the schema registry (Confluent's REST API) over a Kafka broker (docs/schema-registry.md).</summary>
internal static class RegistryCommand
{
    public static Command Create()
    {
        var port = PortOption("--port", "Port to serve the registry's REST API on (0 picks a free one).");
        var address = new Option<string>("--ip")
        {
            Description = "Address to bind (127.0.0.1 by default).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_REGISTRY_ADDRESS") ?? "127.0.0.1",
        };
        var bootstrap = new Option<string>("--bootstrap")
        {
            Description = "Kafka bootstrap servers holding the _schemas topic (the embedded broker by default).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_REGISTRY_BOOTSTRAP") ?? "127.0.0.1:9092",
        };
        var command = new Command("registry", "Run the schema registry (Confluent Schema Registry's REST API) until interrupted.") { port, address, bootstrap };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(address), out var ip))
            {
                Console.Error.WriteLine($"bridge registry: --ip '{parse.GetValue(address)}' is not an IP address");
                return 2;
            }
            using var logs = Logging.Create();
            var options = new SchemaRegistryOptions
            {
                Endpoint = new IPEndPoint(ip, parse.GetValue(port)),
                Store = new SchemaStoreOptions { BootstrapServers = parse.GetValue(bootstrap)! },
                LoggerFactory = logs,
            };
            if (await StartAsync(options, "bridge registry", cancellationToken) is not { } registry) return 1;
            await using (registry)
            {
                // One line, then nothing on stdout: scripts and tests read the port from it.
                Console.WriteLine($"registry listening on {registry.Address.ToString().TrimEnd('/')} topic {options.Store.Topic} on {options.Store.BootstrapServers}");
                await Shutdown.WaitAsync(cancellationToken);
            }
            return 0;
        });
        return command;
    }

    /// <summary>A registry port option, default <c>BRIDGE_REGISTRY_PORT</c> or 8081 (Confluent's port).</summary>
    internal static Option<int> PortOption(string name, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => UpCommand.EnvironmentInt("BRIDGE_REGISTRY_PORT", 8081) };

    /// <summary>Starts the registry, or prints why it cannot (bad option, Kafka unreachable, port in use) and returns null.</summary>
    internal static async Task<SchemaRegistryServer?> StartAsync(SchemaRegistryOptions options, string command, CancellationToken cancellationToken)
    {
        if (options.Validate() is { } invalid)
        {
            Console.Error.WriteLine($"{command}: {invalid}");
            return null;
        }
        try
        {
            return await SchemaRegistryServer.StartAsync(options, cancellationToken);
        }
        catch (SchemaStoreException e)
        {
            Console.Error.WriteLine($"{command}: cannot start the schema registry: {e.Message}");
            return null;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"{command}: cannot start the schema registry on {options.Endpoint}: {e.Message}");
            return null;
        }
    }
}
