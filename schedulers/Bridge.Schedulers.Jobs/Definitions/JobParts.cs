namespace Bridge.Schedulers.Jobs.Definitions;

/// <summary>An environment variable for the job's command (Chronos' <c>environmentVariables</c> item).</summary>
/// <param name="Name">The variable name: not empty, no <c>=</c> or NUL.</param>
/// <param name="Value">The value (may be empty).</param>
public sealed record EnvironmentVariable(string Name, string Value);

/// <summary>The operators of Chronos' constraints.</summary>
public enum ConstraintOperator
{
    /// <summary>The agent attribute equals the value.</summary>
    Equal,

    /// <summary>The agent attribute matches the value as a regular expression (whole text).</summary>
    Like,

    /// <summary>The agent attribute does not match the value as a regular expression.</summary>
    Unlike,
}

/// <summary>
/// Where a job may run: Chronos' <c>[attribute, EQUALS|LIKE|UNLIKE, value]</c>, compared with the
/// agent's attributes (<c>hostname</c> is always one).
/// </summary>
/// <param name="Attribute">The agent attribute name (e.g. <c>rack</c>, <c>hostname</c>).</param>
/// <param name="Operator">How to compare.</param>
/// <param name="Value">The value, or for LIKE/UNLIKE a regular expression matched against the whole
/// attribute text (it compiles; checked at parse).</param>
public sealed record JobConstraint(string Attribute, ConstraintOperator Operator, string Value)
{
    /// <summary>Chronos' operator text: EQUALS, LIKE, UNLIKE.</summary>
    public string OperatorText => Operator switch
    {
        ConstraintOperator.Equal => "EQUALS",
        ConstraintOperator.Like => "LIKE",
        _ => "UNLIKE",
    };
}

/// <summary>
/// A file the agent's fetcher downloads into the sandbox before the command starts (Chronos'
/// <c>fetch</c> item, Mesos' <c>CommandInfo.URI</c>; the deprecated <c>uris</c> strings become
/// these with the defaults).
/// </summary>
/// <param name="Uri">What to fetch.</param>
/// <param name="Executable">Mark it executable (default false).</param>
/// <param name="Cache">Let the fetcher cache it (default false).</param>
/// <param name="Extract">Unpack archives (default true, as Chronos and Mesos).</param>
/// <param name="OutputFile">The file name in the sandbox; null for the URI's last segment.</param>
public sealed record FetchUri(string Uri, bool Executable = false, bool Cache = false, bool Extract = true, string? OutputFile = null);

/// <summary>
/// What the scheduler records about a job's runs, written into Chronos' job JSON
/// (<c>successCount</c>, <c>errorCount</c>, <c>lastSuccess</c>, <c>lastError</c>,
/// <c>errorsSinceLastSuccess</c>). Not part of the definition: a client that posts these fields
/// gets them back from <see cref="JobJson.Parse(string)"/> separately.
/// </summary>
/// <param name="SuccessCount">Runs that succeeded.</param>
/// <param name="ErrorCount">Runs that failed after their retries.</param>
/// <param name="LastSuccess">When the last successful run ended; null if none.</param>
/// <param name="LastError">When the last failed run ended; null if none.</param>
/// <param name="ErrorsSinceLastSuccess">Failed runs since the last success.</param>
public sealed record JobStatus(
    long SuccessCount = 0, long ErrorCount = 0, DateTimeOffset? LastSuccess = null, DateTimeOffset? LastError = null,
    long ErrorsSinceLastSuccess = 0);
