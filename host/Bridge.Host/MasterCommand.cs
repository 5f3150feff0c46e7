using System.CommandLine;
using System.Net;
using Bridge.Kernel.Master;

namespace Bridge.Host;

/// <summary><c>bridge master</c>: a master on its own, for agents and frameworks on other machines.</summary>
internal static class MasterCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port to serve on.", DefaultValueFactory = _ => UpCommand.EnvironmentInt("BRIDGE_PORT", 5050) };
        var address = new Option<string>("--ip")
        {
            Description = "Address to bind (127.0.0.1 by default; 0.0.0.0 for a real cluster).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_ADDRESS") ?? "127.0.0.1",
        };
        var command = new Command("master", "Run a master until interrupted.") { port, address };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(address), out var ip))
            {
                Console.Error.WriteLine($"bridge master: --ip '{parse.GetValue(address)}' is not an IP address");
                return 2;
            }
            using var logs = Logging.Create();
            await using var master = await MasterServer.StartAsync(new MasterOptions(), new IPEndPoint(ip, parse.GetValue(port)), logs, cancellationToken);
            Console.WriteLine($"master {master.Master.Info.Id} at {master.Address}");
            await Shutdown.WaitAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
