using System.CommandLine;
using System.Diagnostics;
using Bridge.Simulation;
using Bridge.Simulation.Reporting;

namespace Bridge.Host;

/// <summary><c>bridge simulate --trace PATH [--format alibaba|swf] --machines M --partitions P [--out DIR]</c>: the consolidation study (docs/simulate.md).</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var trace = new Option<string>("--trace") { Description = "The trace: the Alibaba 2017 batch-task table (plain or .gz) or an SWF log.", Required = true };
        var format = new Option<string>("--format") { Description = "alibaba or swf.", DefaultValueFactory = _ => "alibaba" };
        var machines = new Option<int>("--machines") { Description = "M: machines in all.", Required = true };
        var partitions = new Option<int>("--partitions") { Description = "P: static partitions of M/P machines each.", Required = true };
        var cpus = new Option<double>("--machine-cpus") { Description = "Cores per machine.", DefaultValueFactory = _ => 64 };
        var memory = new Option<double>("--machine-mem") { Description = "Memory per machine, MB (Alibaba's requests are fractions of it).", DefaultValueFactory = _ => 65536 };
        var guarantee = new Option<double>("--guarantee") { Description = "Fraction of its static partition each role is guaranteed in the shared pool (quota), 0-1.", DefaultValueFactory = _ => 0.5 };
        var output = new Option<string?>("--out") { Description = "Directory for the report: report.md, utilization.svg, queueing-delay-cdf.svg." };
        var command = new Command("simulate", "Replay a trace through the real allocator as P static partitions and as one shared pool, and compare.")
        {
            trace, format, machines, partitions, cpus, memory, guarantee, output,
        };
        command.SetAction(parse =>
        {
            const string name = "bridge simulate";
            var path = parse.GetValue(trace)!;
            if (parse.GetValue(partitions) < 1 || parse.GetValue(machines) < 1 || parse.GetValue(machines) % parse.GetValue(partitions) != 0)
                return RestClient.Fail(name, $"--machines {parse.GetValue(machines)} must be a positive multiple of --partitions {parse.GetValue(partitions)}", 2);
            if (parse.GetValue(cpus) <= 0 || parse.GetValue(memory) <= 0 || parse.GetValue(guarantee) is < 0 or > 1)
                return RestClient.Fail(name, "--machine-cpus and --machine-mem must be positive, --guarantee 0 to 1", 2);
            TraceWorkload workload;
            try
            {
                workload = parse.GetValue(format) switch
                {
                    "alibaba" => TraceWorkloads.Alibaba(path, parse.GetValue(partitions), parse.GetValue(memory)),
                    "swf" => TraceWorkloads.Swf(path, parse.GetValue(partitions)),
                    var other => throw new FormatException($"--format '{other}' is not alibaba or swf"),
                };
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException)
            {
                return RestClient.Fail(name, e.Message, 2);
            }
            var traceName = Path.GetFileName(path).Split('.')[0];
            var source = $"{path} ({parse.GetValue(format)}): {workload.Work.Count} work items, {workload.Work.Sum(w => (long)w.Instances)} instances; skipped: " +
                (workload.Skipped.Count == 0 ? "none" : string.Join(", ", workload.Skipped.Select(s => $"{s.Value} {s.Key}")));
            Console.WriteLine(source);
            var clock = Stopwatch.StartNew();
            var result = Consolidation.Run(workload.Work,
                new ConsolidationOptions(parse.GetValue(machines), parse.GetValue(partitions), parse.GetValue(cpus), parse.GetValue(memory), parse.GetValue(guarantee)),
                line => Console.WriteLine($"  {line} ({clock.Elapsed.TotalSeconds:0} s)"));
            if (result.Unplaceable.Count > 0) Console.WriteLine($"{result.Unplaceable.Count} items larger than a machine were left out");
            if (parse.GetValue(output) is { } directory)
            {
                try
                {
                    ConsolidationReport.Write(result, traceName, source, directory);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return RestClient.Fail(name, $"cannot write the report into {directory}: {e.Message}", 1);
                }
                Console.WriteLine($"report: {string.Join(" ", ConsolidationReport.Files.Select(f => Path.Combine(directory, f)))}");
            }
            Console.WriteLine(result.Line(traceName));
            return 0;
        });
        return command;
    }
}
