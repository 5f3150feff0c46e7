using System.CommandLine;
using Bridge.Benchmarks;

namespace Bridge.Host;

/// <summary><c>bridge bench ...</c>: the benchmarks in <c>bench/</c> (measurements, not tests).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Run a benchmark and print its figures (see docs/benchmarks.md).");
        bench.Subcommands.Add(Allocator());
        return bench;
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
