using System.CommandLine;
using System.Net;
using Bridge.Eventing.Broker;
using Microsoft.Extensions.Logging;

namespace Bridge.Host;

/// <summary><c>bridge broker</c>: the embedded Kafka-protocol broker on its own (docs/broker.md).</summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var port = PortOption("--port", "Port to serve Kafka's protocol on (0 picks a free one).");
        var address = new Option<string>("--ip")
        {
            Description = "Address to bind (127.0.0.1 by default).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_BROKER_ADDRESS") ?? "127.0.0.1",
        };
        var data = new Option<string>("--data")
        {
            Description = "Data directory: topics, partition logs, committed offsets.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_BROKER_DATA") ?? Path.Combine(Path.GetTempPath(), "bridge-broker"),
        };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of auto-created topics (Kafka's num.partitions).", DefaultValueFactory = _ => 1 };
        var noAutoCreate = new Option<bool>("--no-auto-create") { Description = "Do not create unknown topics on first use (Kafka's auto.create.topics.enable=false)." };
        var command = new Command("broker", "Run the embedded Kafka-protocol broker until interrupted.") { port, address, data, partitions, noAutoCreate };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(address), out var ip))
            {
                Console.Error.WriteLine($"bridge broker: --ip '{parse.GetValue(address)}' is not an IP address");
                return 2;
            }
            using var logs = Logging.Create();
            var options = new BrokerOptions
            {
                DataDirectory = parse.GetValue(data)!,
                Endpoint = new IPEndPoint(ip, parse.GetValue(port)),
                DefaultPartitions = parse.GetValue(partitions),
                AutoCreateTopics = !parse.GetValue(noAutoCreate),
                LoggerFactory = logs,
            };
            if (await StartAsync(options, "bridge broker", cancellationToken) is not { } broker) return 1;
            await using (broker)
            {
                // One line, then nothing on stdout: scripts and tests read the port from it.
                Console.WriteLine($"broker listening on {broker.BootstrapServers} data {Path.GetFullPath(options.DataDirectory)}");
                await Shutdown.WaitAsync(cancellationToken);
            }
            return 0;
        });
        return command;
    }

    /// <summary>A broker port option, default <c>BRIDGE_BROKER_PORT</c> or 9092 (Kafka's port).</summary>
    internal static Option<int> PortOption(string name, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => UpCommand.EnvironmentInt("BRIDGE_BROKER_PORT", 9092) };

    /// <summary>Starts the broker, or prints why it cannot start (bad option, data directory locked, port in use) and returns null.</summary>
    internal static async Task<KafkaBroker?> StartAsync(BrokerOptions options, string command, CancellationToken cancellationToken)
    {
        if (options.Validate() is { } invalid)
        {
            Console.Error.WriteLine($"{command}: {invalid}");
            return null;
        }
        try
        {
            return await KafkaBroker.StartAsync(options, cancellationToken);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"{command}: cannot start the Kafka broker on {options.Endpoint} with data in {options.DataDirectory}: {e.Message}");
            return null;
        }
    }
}
