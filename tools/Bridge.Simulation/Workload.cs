namespace Bridge.Simulation;

/// <summary>
/// One unit of work the simulator places: <see cref="Instances"/> identical instances submitted together (an Alibaba
/// task row, an SWF job), each asking for <see cref="Cpus"/> and <see cref="MemoryMb"/> for <see cref="DurationSeconds"/>.
/// </summary>
/// <param name="Id">Unique in the workload.</param>
/// <param name="Partition">Which partition (0-based) the work belongs to: its static partition, and its role in the shared pool.</param>
/// <param name="SubmitSeconds">When it is submitted, seconds on the trace's clock.</param>
/// <param name="Instances">How many instances (≥ 1).</param>
/// <param name="Cpus">CPU per instance, cores (≥ 0).</param>
/// <param name="MemoryMb">Memory per instance, MB (≥ 0).</param>
/// <param name="DurationSeconds">How long each instance runs once placed, seconds (≥ 0).</param>
public sealed record WorkItem(long Id, int Partition, double SubmitSeconds, int Instances, double Cpus, double MemoryMb, double DurationSeconds);

/// <summary>The machines of one pool, all alike.</summary>
/// <param name="Machines">How many.</param>
/// <param name="Cpus">Cores of each.</param>
/// <param name="MemoryMb">Memory of each, MB.</param>
public sealed record MachineSpec(int Machines, double Cpus, double MemoryMb);

/// <summary>A role in a pool: one framework runs its partition's work under it.</summary>
/// <param name="Name">The role's name, e.g. <c>partition-1</c>.</param>
/// <param name="Weight">Its DRF weight.</param>
/// <param name="GuaranteeCpus">Quota guarantee, cores (0: none).</param>
/// <param name="GuaranteeMemoryMb">Quota guarantee, MB (0: none).</param>
public sealed record RoleSpec(string Name, double Weight, double GuaranteeCpus, double GuaranteeMemoryMb);
