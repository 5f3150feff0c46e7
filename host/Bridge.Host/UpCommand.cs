using System.CommandLine;
using System.Net;
using Bridge.Rpc;
using Bridge.Rpc.Health;

namespace Bridge.Host;

/// <summary>
/// <c>bridge up</c>: runs the whole system on this machine in one process, the way mesos-local
/// did. Today that is the gRPC endpoint every component will serve on, with the standard health
/// service; the kernel, bus, schedulers and YARN bridge join it as their issues land.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port")
        {
            Description = "Port of the gRPC endpoint on 127.0.0.1 (0 picks a free one).",
            DefaultValueFactory = _ => EnvironmentInt("BRIDGE_PORT", 5050),
        };
        var command = new Command("up", "Run the whole system on this machine until interrupted (Ctrl-C).") { port };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var health = new HealthService();
            await using var server = await RpcServer.StartAsync(
                new RpcServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, parse.GetValue(port)) }, [health], cancellationToken: cancellationToken);
            Console.WriteLine($"bridge {VersionCommand.Describe()} up");
            Console.WriteLine($"  gRPC endpoint  {server.Address}  (grpc.health.v1.Health: SERVING)");
            Console.WriteLine("  not yet here   master, agents, event bus, services, jobs, YARN bridge (see README)");
            Console.WriteLine("Press Ctrl-C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                health.SetStatus("", HealthCheckResponse.Types.ServingStatus.NotServing);
                Console.WriteLine("stopping");
            }
            return 0;
        });
        return command;
    }

    internal static int EnvironmentInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;
}
