namespace Bridge.Traces.Swf;

/// <summary>A job's completion status, field 11 of the Standard Workload Format (version 2.2).</summary>
public enum SwfStatus
{
    /// <summary>0: the job failed.</summary>
    Failed = 0,
    /// <summary>1: the job completed normally.</summary>
    Completed = 1,
    /// <summary>2: a partial execution, to be continued (checkpointed or swapped out).</summary>
    Partial = 2,
    /// <summary>3: the last partial execution, and the job completed.</summary>
    LastPartialCompleted = 3,
    /// <summary>4: the last partial execution, and the job failed.</summary>
    LastPartialFailed = 4,
    /// <summary>5: the job was cancelled (before or while it ran).</summary>
    Cancelled = 5,
}

/// <summary>Why a line of an SWF file was not turned into an <see cref="SwfJob"/>.</summary>
public enum SwfSkipReason
{
    /// <summary>Not 18 whitespace-separated fields.</summary>
    WrongFieldCount,
    /// <summary>A field that is not a number of its kind (times may be decimals; every other field is an integer).</summary>
    MalformedNumber,
    /// <summary>A number outside its domain: below -1, a job number or processor count of 0, a status other than 0-5, or an unknown (-1) submit time.</summary>
    OutOfRange,
}

/// <summary>One line of an SWF file after parsing: a header comment, a job, or a line that could not be used and why.</summary>
/// <param name="LineNumber">1-based line in the file.</param>
public abstract record SwfLine(long LineNumber);

/// <summary>A comment line (it starts with ';'). Header comments of the form <c>; Key: value</c> carry <see cref="Key"/> and <see cref="Value"/>.</summary>
/// <param name="LineNumber">1-based line in the file.</param>
/// <param name="Key">The header field's name (e.g. <c>MaxProcs</c>, <c>UnixStartTime</c>), or null for a comment that is not a header field.</param>
/// <param name="Value">The text after the colon, trimmed (the whole comment text when <see cref="Key"/> is null).</param>
public sealed record SwfComment(long LineNumber, string? Key, string Value) : SwfLine(LineNumber);

/// <summary>
/// A job (one line with the 18 fields of SWF 2.2, in order). Fields the log does not know (-1 in the file) are null,
/// never -1 or 0. Times are seconds (SWF allows decimals); memory is kilobytes per processor.
/// </summary>
/// <param name="LineNumber">1-based line in the file.</param>
/// <param name="JobNumber">Field 1: a counter from 1.</param>
/// <param name="SubmitSeconds">Field 2: submit time, seconds from the log's start (≥ 0; the lines are sorted by it).</param>
/// <param name="WaitSeconds">Field 3: from submission to start.</param>
/// <param name="RunSeconds">Field 4: wall-clock run time (end minus start).</param>
/// <param name="AllocatedProcessors">Field 5: processors allocated.</param>
/// <param name="AverageCpuSeconds">Field 6: CPU time used, averaged over the processors (user and system).</param>
/// <param name="UsedMemoryKb">Field 7: memory used per processor, KB.</param>
/// <param name="RequestedProcessors">Field 8: processors requested.</param>
/// <param name="RequestedSeconds">Field 9: the time requested (run time, or CPU time per processor).</param>
/// <param name="RequestedMemoryKb">Field 10: memory requested per processor, KB.</param>
/// <param name="Status">Field 11: how it ended.</param>
/// <param name="UserId">Field 12: the user, a number from 1.</param>
/// <param name="GroupId">Field 13: the group, a number from 1.</param>
/// <param name="Executable">Field 14: the application, a number from 1.</param>
/// <param name="Queue">Field 15: the queue, a number from 1 (0 may mean an interactive job).</param>
/// <param name="Partition">Field 16: the partition, a number from 1.</param>
/// <param name="PrecedingJob">Field 17: the job this one depends on.</param>
/// <param name="ThinkSeconds">Field 18: think time after the preceding job ended.</param>
public sealed record SwfJob(
    long LineNumber,
    long JobNumber,
    double SubmitSeconds,
    double? WaitSeconds,
    double? RunSeconds,
    long? AllocatedProcessors,
    double? AverageCpuSeconds,
    long? UsedMemoryKb,
    long? RequestedProcessors,
    double? RequestedSeconds,
    long? RequestedMemoryKb,
    SwfStatus? Status,
    long? UserId,
    long? GroupId,
    long? Executable,
    long? Queue,
    long? Partition,
    long? PrecedingJob,
    double? ThinkSeconds) : SwfLine(LineNumber)
{
    /// <summary>The processors the job used: allocated when known, else requested; null when neither is.</summary>
    public long? Processors => AllocatedProcessors ?? RequestedProcessors;
}

/// <summary>A line of an SWF file the reader could not use, and why.</summary>
/// <param name="LineNumber">1-based line in the file.</param>
/// <param name="Reason">The first problem found, checked in this order: field count, numbers, ranges.</param>
/// <param name="Detail">Human-readable detail naming the field and the text found, e.g. <c>field 5 (allocated processors) 'x' is not an integer</c>.</param>
public sealed record SwfSkip(long LineNumber, SwfSkipReason Reason, string Detail) : SwfLine(LineNumber);
