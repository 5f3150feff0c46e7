using System.CommandLine;
using Bridge.Rpc;
using Bridge.Rpc.Health;

namespace Bridge.Host;

/// <summary><c>bridge health</c>: asks a Bridge process (or any gRPC server) for its health; exit 0 only when SERVING.</summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var address = new Option<string>("--address")
        {
            Description = "The server's address.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_ADDRESS") ?? "http://127.0.0.1:5050",
        };
        var service = new Option<string>("--service") { Description = "Service name to ask about (default: the whole server).", DefaultValueFactory = _ => "" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the answer.", DefaultValueFactory = _ => 5 };
        var command = new Command("health", "Check the health of a running Bridge process (grpc.health.v1).") { address, service, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var channel = RpcChannel.ForAddress(parse.GetValue(address)!);
            try
            {
                var reply = await new HealthClient(channel).Check(new HealthCheckRequest { Service = parse.GetValue(service)! },
                    new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(parse.GetValue(timeout)), CancellationToken: cancellationToken));
                Console.WriteLine(reply.Status.ToString().ToUpperInvariant());
                return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving ? 0 : 1;
            }
            catch (RpcException e)
            {
                Console.Error.WriteLine($"{e.StatusCode}: {e.Status.Detail}");
                return 2;
            }
        });
        return command;
    }
}
