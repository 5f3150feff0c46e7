using Bridge.Traces.Alibaba;
using Bridge.Traces.Swf;

namespace Bridge.Simulation;

/// <summary>What a trace gave: the work, and how many of its lines were left out and why.</summary>
/// <param name="Work">The work items, in trace order.</param>
/// <param name="Skipped">Lines the reader could not use, by reason.</param>
public sealed record TraceWorkload(IReadOnlyList<WorkItem> Work, IReadOnlyDictionary<string, long> Skipped);

/// <summary>Turns trace files into <see cref="WorkItem"/>s for the simulator, assigning each to a partition.</summary>
public static class TraceWorkloads
{
    /// <summary>
    /// The Alibaba 2017 batch-task table: each usable task row is one item of its instances (CPU from hundredths of a
    /// core, memory as its fraction of <paramref name="machineMemoryMb"/>, duration from creation to its last state
    /// change). The trace names no users or queues, so jobs go to partitions round robin by job id (all tasks of a job
    /// in one partition).
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not the batch-task table (its header is checked).</exception>
    public static TraceWorkload Alibaba(string path, int partitions, double machineMemoryMb)
    {
        var work = new List<WorkItem>();
        var skipped = new Dictionary<string, long>();
        foreach (var line in AlibabaBatchTasks.ReadFile(path))
        {
            if (line is BatchTaskSkip skip)
            {
                skipped[skip.Reason.ToString()] = skipped.GetValueOrDefault(skip.Reason.ToString()) + 1;
                continue;
            }
            var row = (BatchTaskRow)line;
            work.Add(new WorkItem(row.LineNumber, (int)(row.JobId.Value % partitions), row.CreateSeconds, checked((int)row.Instances), row.Cpus,
                row.MemoryFraction * machineMemoryMb, row.DurationSeconds));
        }
        return new TraceWorkload(work, skipped);
    }

    /// <summary>
    /// An SWF log: each job is one item of its processors (allocated, else requested) instances of one core each, with
    /// its memory per processor (used, else requested; none when unknown) for its run time. Jobs go to partitions by
    /// their queue, else partition, else user number (mod P), else round robin by job number. Jobs with no known run
    /// time or processors (cancelled before running) are left out and counted.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static TraceWorkload Swf(string path, int partitions)
    {
        var work = new List<WorkItem>();
        var skipped = new Dictionary<string, long>();
        foreach (var line in SwfWorkloads.ReadFile(path))
        {
            switch (line)
            {
                case SwfSkip skip:
                    skipped[skip.Reason.ToString()] = skipped.GetValueOrDefault(skip.Reason.ToString()) + 1;
                    break;
                case SwfJob { RunSeconds: null } or SwfJob { Processors: null }:
                    skipped["NoRunTimeOrProcessors"] = skipped.GetValueOrDefault("NoRunTimeOrProcessors") + 1;
                    break;
                case SwfJob job:
                    var key = job.Queue ?? job.Partition ?? job.UserId ?? job.JobNumber;
                    var memoryMb = (job.UsedMemoryKb ?? job.RequestedMemoryKb ?? 0) / 1024.0;
                    work.Add(new WorkItem(job.JobNumber, (int)(key % partitions), job.SubmitSeconds, checked((int)job.Processors!.Value), 1, memoryMb, job.RunSeconds!.Value));
                    break;
            }
        }
        return new TraceWorkload(work, skipped);
    }
}
