namespace Bridge.Yarn.Protocol;

/// <summary>
/// A wire message (or REST body) that does not make sense: a missing required field, a negative amount, a
/// malformed id. <see cref="Field"/> names the offending field as a path in the message's own field names
/// (<c>application_submission_context.resource.memory</c>, <c>ask[2].capability</c>); servers answer it with
/// INVALID_ARGUMENT (gRPC) or 400 (REST) and the same text, <c>field: problem</c>.
/// </summary>
public sealed class InvalidMessageException : Exception
{
    /// <summary>An error about <paramref name="field"/>: <paramref name="problem"/>.</summary>
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
