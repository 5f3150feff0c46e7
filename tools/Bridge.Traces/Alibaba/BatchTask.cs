namespace Bridge.Traces.Alibaba;

/// <summary>A job of the Alibaba 2017 batch trace (<c>job_id</c>; unique in the trace period).</summary>
/// <param name="Value">The numeric id as published.</param>
public readonly record struct BatchJobId(long Value)
{
    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A task of the Alibaba 2017 batch trace (<c>task_id</c>; unique in the trace since Alibaba's 2017-09-06 fix).</summary>
/// <param name="Value">The numeric id as published.</param>
public readonly record struct BatchTaskId(long Value)
{
    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A batch task's state, as named in Alibaba's <c>trace_201708.md</c> (task table, column 6).</summary>
public enum BatchTaskStatus
{
    /// <summary><c>Ready</c>.</summary>
    Ready,
    /// <summary><c>Waiting</c>: not initialised yet.</summary>
    Waiting,
    /// <summary><c>Running</c>: being processed.</summary>
    Running,
    /// <summary><c>Terminated</c>: all its instances are done.</summary>
    Terminated,
    /// <summary><c>Failed</c>.</summary>
    Failed,
    /// <summary><c>Cancelled</c>.</summary>
    Cancelled,
}

/// <summary>Why a line of the batch-task table was not turned into a <see cref="BatchTaskRow"/>.</summary>
public enum BatchTaskSkipReason
{
    /// <summary>Not 8 comma-separated fields (a blank line is 1 field).</summary>
    WrongColumnCount,
    /// <summary>A numeric field that is not a number of its kind (integer seconds, ids, instances and CPU hundredths; a decimal memory fraction).</summary>
    MalformedNumber,
    /// <summary>A number out of its domain: instances below 1, CPU below 0, memory outside 0..1.</summary>
    OutOfRange,
    /// <summary>A status that is none of <see cref="BatchTaskStatus"/>'s names (case-sensitive).</summary>
    UnknownStatus,
    /// <summary>The CPU or the memory request is empty (unknown): 9,017 rows of the shipped table, most of them Waiting.</summary>
    EmptyRequest,
    /// <summary><c>task_end_time</c> is before <c>task_create_time</c> (209 rows of the shipped table, e.g. an end of 0 meaning "before the trace").</summary>
    EndBeforeCreate,
}

/// <summary>
/// One line of the batch-task table after parsing: either a usable <see cref="BatchTaskRow"/> or a
/// <see cref="BatchTaskSkip"/> saying why not. Never a row with zeros standing in for missing values.
/// </summary>
/// <param name="LineNumber">1-based line in the file; the header is line 1, the first data row line 2.</param>
public abstract record BatchTaskLine(long LineNumber);

/// <summary>A usable row of the batch-task table, typed and in the units the reader documents.</summary>
/// <param name="LineNumber">1-based line in the file (the header is line 1).</param>
/// <param name="CreateSeconds">Task creation, seconds from the trace start; negative before the trace start.</param>
/// <param name="EndSeconds">Latest state change (the end for finished tasks), seconds from the trace start; never before <paramref name="CreateSeconds"/>.</param>
/// <param name="JobId">The job.</param>
/// <param name="TaskId">The task.</param>
/// <param name="Instances">Instances of the task (≥ 1), each with the requests below.</param>
/// <param name="Status">The task's state.</param>
/// <param name="CpuHundredths">CPU request per instance in hundredths of a core, exactly as published (50 = half a core; ≥ 0).</param>
/// <param name="MemoryFraction">Memory request per instance as a fraction of one machine's memory (0..1, normalised by Alibaba).</param>
public sealed record BatchTaskRow(
    long LineNumber,
    long CreateSeconds,
    long EndSeconds,
    BatchJobId JobId,
    BatchTaskId TaskId,
    long Instances,
    BatchTaskStatus Status,
    long CpuHundredths,
    double MemoryFraction) : BatchTaskLine(LineNumber)
{
    /// <summary>CPU request per instance in cores (<see cref="CpuHundredths"/> / 100).</summary>
    public double Cpus => CpuHundredths / 100.0;

    /// <summary><see cref="EndSeconds"/> − <see cref="CreateSeconds"/>, in seconds (≥ 0).</summary>
    public long DurationSeconds => EndSeconds - CreateSeconds;
}

/// <summary>A line of the batch-task table that the reader could not use, and why.</summary>
/// <param name="LineNumber">1-based line in the file (the header is line 1).</param>
/// <param name="Reason">The first problem found, checked in this order: column count, numbers, ranges, status, empty requests, end before create.</param>
/// <param name="Detail">Human-readable detail naming the column and the text found, e.g. <c>task_end_time 0 &lt; task_create_time 6036</c>.</param>
public sealed record BatchTaskSkip(long LineNumber, BatchTaskSkipReason Reason, string Detail) : BatchTaskLine(LineNumber);
