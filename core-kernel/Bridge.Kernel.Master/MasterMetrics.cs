using System.Globalization;
using System.Text;
using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;

namespace Bridge.Kernel.Master;

/// <summary>
/// The master's counters and the allocation-cycle histogram, written in the Prometheus text
/// exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
/// Updated only on the master's loop; rendered from a copy.
/// </summary>
public sealed class MasterMetrics
{
    private static readonly double[] CycleBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private readonly long[] _cycleCounts = new long[CycleBuckets.Length + 1];
    private readonly long[] _taskStates = new long[Enum.GetValues<TaskState>().Max(s => (int)s) + 1];
    private double _cycleSum;

    /// <summary>Offers sent to frameworks.</summary>
    public long OffersMade { get; set; }

    /// <summary>Offers declined by frameworks.</summary>
    public long OffersDeclined { get; set; }

    /// <summary>Offers rescinded by the master (timeout, agent gone, revocation).</summary>
    public long OffersRescinded { get; set; }

    /// <summary>Tasks the master killed to restore a role's quota guarantee (revocation).</summary>
    public long TasksRevoked { get; set; }

    /// <summary>Records one allocation cycle's duration.</summary>
    public void ObserveCycle(TimeSpan duration)
    {
        var seconds = duration.TotalSeconds;
        var i = Array.FindIndex(CycleBuckets, b => seconds <= b);
        _cycleCounts[i < 0 ? CycleBuckets.Length : i]++;
        _cycleSum += seconds;
    }

    /// <summary>Counts a task entering <paramref name="state"/> (a task counts once per state it reaches).</summary>
    public void CountTaskState(TaskState state)
    {
        if ((int)state >= 0 && (int)state < _taskStates.Length) _taskStates[(int)state]++;
    }

    /// <summary>The metrics in Prometheus text format, with gauges for the current agents, frameworks and tasks by state.</summary>
    public string Render(int agentsActive, int agentsUnreachable, int frameworksConnected, int frameworksDisconnected, IReadOnlyDictionary<TaskState, int> tasksByState)
    {
        var text = new StringBuilder();
        Counter(text, "bridge_master_offers_made_total", "Offers sent to frameworks.", OffersMade);
        Counter(text, "bridge_master_offers_declined_total", "Offers declined by frameworks.", OffersDeclined);
        Counter(text, "bridge_master_offers_rescinded_total", "Offers rescinded by the master.", OffersRescinded);
        Counter(text, "bridge_master_tasks_revoked_total", "Tasks killed to restore a role's quota guarantee.", TasksRevoked);
        text.Append("# HELP bridge_master_task_state_transitions_total Tasks that reached each state.\n# TYPE bridge_master_task_state_transitions_total counter\n");
        for (var i = 0; i < _taskStates.Length; i++)
            if (Enum.IsDefined((TaskState)i))
                text.Append(CultureInfo.InvariantCulture, $"bridge_master_task_state_transitions_total{{state=\"{TaskStates.Name((TaskState)i)}\"}} {_taskStates[i]}\n");
        text.Append("# HELP bridge_master_tasks Tasks the master knows, by current state.\n# TYPE bridge_master_tasks gauge\n");
        foreach (var (state, count) in tasksByState.OrderBy(kv => kv.Key))
            text.Append(CultureInfo.InvariantCulture, $"bridge_master_tasks{{state=\"{TaskStates.Name(state)}\"}} {count}\n");
        text.Append("# HELP bridge_master_agents Agents by reachability.\n# TYPE bridge_master_agents gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"bridge_master_agents{{state=\"active\"}} {agentsActive}\nbridge_master_agents{{state=\"unreachable\"}} {agentsUnreachable}\n");
        text.Append("# HELP bridge_master_frameworks Frameworks by connection.\n# TYPE bridge_master_frameworks gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"bridge_master_frameworks{{state=\"connected\"}} {frameworksConnected}\nbridge_master_frameworks{{state=\"disconnected\"}} {frameworksDisconnected}\n");
        text.Append("# HELP bridge_master_allocation_cycle_seconds Duration of allocation cycles.\n# TYPE bridge_master_allocation_cycle_seconds histogram\n");
        long cumulative = 0;
        for (var i = 0; i < CycleBuckets.Length; i++)
        {
            cumulative += _cycleCounts[i];
            text.Append(CultureInfo.InvariantCulture, $"bridge_master_allocation_cycle_seconds_bucket{{le=\"{CycleBuckets[i]}\"}} {cumulative}\n");
        }
        cumulative += _cycleCounts[^1];
        text.Append(CultureInfo.InvariantCulture, $"bridge_master_allocation_cycle_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n");
        text.Append(CultureInfo.InvariantCulture, $"bridge_master_allocation_cycle_seconds_sum {_cycleSum}\nbridge_master_allocation_cycle_seconds_count {cumulative}\n");
        return text.ToString();
    }

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
}
