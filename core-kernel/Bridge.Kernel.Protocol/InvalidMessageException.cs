namespace Bridge.Kernel.Protocol;

/// <summary>
/// A wire message that does not make sense: a missing required field, a negative amount, a
/// malformed id. <see cref="Field"/> names the offending field as a path
/// (<c>accept.operations[1].launch.task_infos[0].resources[2].scalar</c>); servers turn this into
/// INVALID_ARGUMENT or a TASK_ERROR with the same text.
/// </summary>
public sealed class InvalidMessageException : Exception
{
    /// <summary>An error about <paramref name="field"/>.</summary>
    public InvalidMessageException(string field, string problem) : base($"{field}: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>Path of the offending field.</summary>
    public string Field { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
