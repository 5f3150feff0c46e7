using System.CommandLine;
using Bridge.Benchmarks;
using Bridge.Eventing.Log.Storage;

namespace Bridge.Host;

/// <summary><c>bridge bench ...</c>: the benchmarks in <c>bench/</c> (measurements, not tests).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Run a benchmark and print its figures (see docs/benchmarks.md).");
        bench.Subcommands.Add(Allocator());
        bench.Subcommands.Add(Launch());
        bench.Subcommands.Add(Master());
        bench.Subcommands.Add(Broker());
        bench.Subcommands.Add(Avro());
        bench.Subcommands.Add(Bus());
        bench.Subcommands.Add(Services());
        bench.Subcommands.Add(YarnRm());
        bench.Subcommands.Add(YarnFgs());
        return bench;
    }

    private static Command Bus()
    {
        var records = new Option<int>("--records") { Description = "Records to send, then read back, both ways.", DefaultValueFactory = _ => 200_000 };
        var size = new Option<int>("--size") { Description = "Bytes of each value (Confluent header included).", DefaultValueFactory = _ => 100 };
        var batch = new Option<int>("--batch") { Description = "Records per bus Write and Read.", DefaultValueFactory = _ => 1000 };
        var command = new Command("bus", "Raw Confluent.Kafka produce+consume against the same volume through bus sessions, on one embedded broker, and print the rates.") { records, size, batch };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(records) < 1 || parse.GetValue(size) is < 5 or > 1_000_000 || parse.GetValue(batch) is < 1 or > 10_000)
            {
                Console.Error.WriteLine("bridge bench bus: --records at least 1, --size 5 to 1000000, --batch 1 to 10000");
                return 2;
            }
            await BusBenchmark.RunAsync(parse.GetValue(records), parse.GetValue(size), parse.GetValue(batch), Console.Out, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command Avro()
    {
        var records = new Option<int>("--records") { Description = "Records to encode, then decode.", DefaultValueFactory = _ => 1_000_000 };
        var command = new Command("avro", "Encode and decode a 10-field record with the Avro codec, one thread, and print the rates.") { records };
        command.SetAction(parse =>
        {
            if (parse.GetValue(records) < 1)
            {
                Console.Error.WriteLine("bridge bench avro: --records must be at least 1");
                return 2;
            }
            AvroBenchmark.Run(parse.GetValue(records), Console.Out);
            return 0;
        });
        return command;
    }

    private static Command Broker()
    {
        var records = new Option<int>("--records") { Description = "Records to produce, then consume.", DefaultValueFactory = _ => 1_000_000 };
        var size = new Option<int>("--size") { Description = "Bytes of each record's value (no key).", DefaultValueFactory = _ => 100 };
        var flushMs = new Option<long?>("--flush-ms") { Description = "The broker's flush.ms (default: the broker's own, 0 = fsync every append); for measuring the fsync policy's cost." };
        var command = new Command("broker", "Produce records to an in-process Kafka broker with one Confluent.Kafka producer, consume them back with one consumer, and print the rates.")
            { records, size, flushMs };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // librdkafka refuses a message larger than its message.max.bytes (default 1,000,000).
            if (parse.GetValue(records) < 1 || parse.GetValue(size) is < 1 or > 1_000_000 || parse.GetValue(flushMs) is < 0)
            {
                Console.Error.WriteLine("bridge bench broker: --records must be at least 1, --size 1 to 1000000, --flush-ms at least 0");
                return 2;
            }
            var logConfig = parse.GetValue(flushMs) is { } ms ? new LogConfig { FlushIntervalMs = ms } : null;
            await BrokerBenchmark.RunAsync(parse.GetValue(records), parse.GetValue(size), Console.Out, logConfig, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command Master()
    {
        var agents = new Option<int>("--agents") { Description = "Simulated agents (cpus:2;mem:2048 each: room for two tasks).", DefaultValueFactory = _ => 50_000 };
        var frameworks = new Option<int>("--frameworks") { Description = "Simulated frameworks, each launching one task per offer.", DefaultValueFactory = _ => 200 };
        var seconds = new Option<double>("--seconds") { Description = "Length of the measurement window (s).", DefaultValueFactory = _ => 30 };
        var taskSeconds = new Option<double>("--task-seconds") { Description = "Mean simulated run time of a task (s; the Mesos paper's 30 s); each runs 0.5-1.5 times this.", DefaultValueFactory = _ => 30 };
        var command = new Command("master", "Drive the real master with simulated agents and frameworks (no network, no processes) and time task launches.")
            { agents, frameworks, seconds, taskSeconds };
        command.SetAction(async parse =>
        {
            if (parse.GetValue(agents) < 1 || parse.GetValue(frameworks) < 1 || parse.GetValue(seconds) <= 0 || parse.GetValue(taskSeconds) <= 0)
            {
                Console.Error.WriteLine("bridge bench master: --agents and --frameworks must be at least 1, --seconds and --task-seconds more than 0");
                return 2;
            }
            await MasterBenchmark.RunAsync(parse.GetValue(agents), parse.GetValue(frameworks), parse.GetValue(seconds), parse.GetValue(taskSeconds), Console.Out);
            return 0;
        });
        return command;
    }

    private static Command YarnRm()
    {
        var nodes = new Option<int>("--nodes") { Description = "Simulated NodeManagers (8192 MB, 8 vcores each).", DefaultValueFactory = _ => 5_000 };
        var apps = new Option<int>("--apps") { Description = "Applications, each keeping 20 containers asked for.", DefaultValueFactory = _ => 1_000 };
        var command = new Command("yarn-rm", "Drive the embedded ResourceManager's core with simulated NodeManagers and AMs (no network) and print allocations per second.") { nodes, apps };
        command.SetAction(parse =>
        {
            if (parse.GetValue(nodes) < 1 || parse.GetValue(apps) < 1)
            {
                Console.Error.WriteLine("bridge bench yarn-rm: --nodes and --apps must be at least 1");
                return 2;
            }
            YarnRmBenchmark.Run(parse.GetValue(nodes), parse.GetValue(apps), Console.Out);
            return 0;
        });
        return command;
    }

    private static Command Services()
    {
        var agents = new Option<int>("--agents") { Description = "Simulated agents (cpus:2;mem:2048 each).", DefaultValueFactory = _ => 1_000 };
        var instances = new Option<int>("--instances") { Description = "Instances of the one app deployed (cpus:0.1;mem:32 each; at most 20 per agent).", DefaultValueFactory = _ => 10_000 };
        var command = new Command("services", "Deploy one app of many instances through the services scheduler onto simulated agents and time until all run.") { agents, instances };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(agents) < 1 || parse.GetValue(instances) < 1 || parse.GetValue(instances) > parse.GetValue(agents) * 20)
            {
                Console.Error.WriteLine("bridge bench services: --agents at least 1, --instances 1 to 20 per agent");
                return 2;
            }
            await ServicesBenchmark.RunAsync(parse.GetValue(agents), parse.GetValue(instances), Console.Out);
            return 0;
        });
        return command;
    }

    private static Command YarnFgs()
    {
        var containers = new Option<int>("--containers") { Description = "Containers (1024 MB, 1 vcore) the distributed shell asks for.", DefaultValueFactory = _ => 200 };
        var command = new Command("yarn-fgs", "Run a distributed shell on zero-profile NodeManagers (fine-grained scaling) and time each container from the offer behind it to its command running.") { containers };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(containers) < 1)
            {
                Console.Error.WriteLine("bridge bench yarn-fgs: --containers must be at least 1");
                return 2;
            }
            await YarnFgsBenchmark.RunAsync(parse.GetValue(containers), YarnCommand.Self(), Console.Out, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command Launch()
    {
        var tasks = new Option<int>("--tasks") { Description = "Number of `sleep 30` tasks (0.001 cpus, 1 MB each) to launch at once.", DefaultValueFactory = _ => 1_000 };
        var command = new Command("launch", "Launch tasks on one real agent and time how long until they all run; then kill them.") { tasks };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(tasks) < 1)
            {
                Console.Error.WriteLine("bridge bench launch: --tasks must be at least 1");
                return 2;
            }
            await LaunchBenchmark.RunAsync(parse.GetValue(tasks), Console.Out, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command Allocator()
    {
        var agents = new Option<int>("--agents") { Description = "Number of agents (cpus:32;mem:262144;ports:[31000-32000] each).", DefaultValueFactory = _ => 10_000 };
        var frameworks = new Option<int>("--frameworks") { Description = "Number of frameworks, spread over 10 roles.", DefaultValueFactory = _ => 1_000 };
        var cycles = new Option<int>("--cycles") { Description = "Allocation cycles to time.", DefaultValueFactory = _ => 100 };
        var mode = new Option<AllocatorBenchmarkMode>("--mode") { Description = "decline: every offer declined with a 1-day filter; mixed: one task accepted per offer.", DefaultValueFactory = _ => AllocatorBenchmarkMode.Decline };
        var command = new Command("allocator", "Time allocation cycles of the hierarchical DRF allocator.") { agents, frameworks, cycles, mode };
        command.SetAction(parse =>
        {
            AllocatorBenchmark.Run(parse.GetValue(agents), parse.GetValue(frameworks), parse.GetValue(cycles), parse.GetValue(mode), Console.Out);
            return 0;
        });
        return command;
    }
}
