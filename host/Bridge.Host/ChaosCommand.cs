using System.CommandLine;
using Bridge.Chaos;

namespace Bridge.Host;

/// <summary><c>bridge chaos ...</c>: break a running system on purpose and measure how it recovers (docs/fault-model.md).</summary>
internal static class ChaosCommand
{
    public static Command Create()
    {
        var chaos = new Command("chaos", "Kill masters or agents on purpose under load and print how the system recovered (bounded; loopback only).");
        chaos.Subcommands.Add(Failover());
        chaos.Subcommands.Add(Agents());
        return chaos;
    }

    private static Command Agents()
    {
        var agents = new Option<int>("--agents") { Description = "Agent processes.", DefaultValueFactory = _ => 5 };
        var tasks = new Option<int>("--tasks") { Description = "Tasks the framework keeps running (at most 40 per agent).", DefaultValueFactory = _ => 100 };
        var seconds = new Option<int>("--seconds") { Description = "How long the chaos lasts.", DefaultValueFactory = _ => 60 };
        var killEvery = new Option<int>("--kill-every") { Description = "Seconds between SIGKILLs of an agent (round robin).", DefaultValueFactory = _ => 10 };
        var down = new Option<int>("--down") { Description = "Seconds a killed agent stays down before it starts again.", DefaultValueFactory = _ => 2 };
        var command = new Command("agents", "A master, agent processes and a framework keeping tasks running; SIGKILL an agent every --kill-every seconds and start it again; "
            + "print 'chaos agents=N tasks=T restarts=K recovery_ms_p50=X recovery_ms_max=Y lost_tasks=L surviving_tasks=S'.")
        {
            agents, tasks, seconds, killEvery, down,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(agents) is < 1 or > 50 || parse.GetValue(tasks) < 1 || parse.GetValue(tasks) > 40 * parse.GetValue(agents)
                || parse.GetValue(seconds) is < 1 or > 3600 || parse.GetValue(killEvery) is < 1 or > 3600 || parse.GetValue(down) is < 0 or > 600)
            {
                Console.Error.WriteLine("bridge chaos agents: --agents 1 to 50, --tasks 1 to 40 per agent, --seconds and --kill-every 1 to 3600, --down 0 to 600");
                return 2;
            }
            try
            {
                var result = await ChaosAgents.RunAsync(new ChaosAgentsOptions
                {
                    Agents = parse.GetValue(agents), Tasks = parse.GetValue(tasks), Duration = TimeSpan.FromSeconds(parse.GetValue(seconds)),
                    KillEvery = TimeSpan.FromSeconds(parse.GetValue(killEvery)), Down = TimeSpan.FromSeconds(parse.GetValue(down)), Bridge = BridgeCommand.Self(),
                }, Console.Out, cancellationToken);
                Console.WriteLine(result);
                return result.LostTasks == 0 && result.Surviving == result.Tasks ? 0 : 1;
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                Console.Error.WriteLine($"bridge chaos agents: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command Failover()
    {
        var masters = new Option<int>("--masters") { Description = "Master processes electing their leader in etcd.", DefaultValueFactory = _ => 3 };
        var agents = new Option<int>("--agents") { Description = "Agents (in this process; tasks are real processes).", DefaultValueFactory = _ => 20 };
        var tasks = new Option<int?>("--tasks") { Description = "Tasks the framework keeps running (default: 2 per agent)." };
        var seconds = new Option<int>("--seconds") { Description = "How long the chaos lasts.", DefaultValueFactory = _ => 120 };
        var killEvery = new Option<int>("--kill-every") { Description = "Seconds between SIGKILLs of the leader.", DefaultValueFactory = _ => 20 };
        var leaseTtl = new Option<int>("--etcd-lease-ttl") { Description = "The masters' etcd lease TTL, seconds.", DefaultValueFactory = _ => 1 };
        var command = new Command("failover", "etcd, several masters, agents and a framework keeping tasks running; SIGKILL the leader every --kill-every seconds; "
            + "print 'chaos masters=N failovers=K failover_ms_p50=X failover_ms_max=Y lost_tasks=L double_leaders=D'.")
        {
            masters, agents, tasks, seconds, killEvery, leaseTtl,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(masters) is < 2 or > 9 || parse.GetValue(agents) is < 1 or > 200 || parse.GetValue(tasks) is < 1 or > 2000
                || parse.GetValue(seconds) is < 1 or > 3600 || parse.GetValue(killEvery) is < 1 or > 3600 || parse.GetValue(leaseTtl) is < 1 or > 60)
            {
                Console.Error.WriteLine("bridge chaos failover: --masters 2 to 9, --agents 1 to 200, --tasks 1 to 2000, --seconds and --kill-every 1 to 3600, --etcd-lease-ttl 1 to 60");
                return 2;
            }
            try
            {
                var result = await ChaosFailover.RunAsync(new ChaosFailoverOptions
                {
                    Masters = parse.GetValue(masters), Agents = parse.GetValue(agents), Tasks = parse.GetValue(tasks),
                    Duration = TimeSpan.FromSeconds(parse.GetValue(seconds)), KillEvery = TimeSpan.FromSeconds(parse.GetValue(killEvery)),
                    LeaseTtl = TimeSpan.FromSeconds(parse.GetValue(leaseTtl)), Bridge = BridgeCommand.Self(),
                }, Console.Out, cancellationToken);
                Console.WriteLine(result);
                return result.LostTasks == 0 && result.DoubleLeaders == 0 ? 0 : 1;
            }
            catch (Exception e) when (e is TimeoutException or FileNotFoundException)
            {
                Console.Error.WriteLine($"bridge chaos failover: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
