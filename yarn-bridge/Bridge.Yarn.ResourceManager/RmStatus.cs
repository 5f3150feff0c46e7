namespace Bridge.Yarn.ResourceManager;

/// <summary>Why the ResourceManager refused a request (each maps to the Hadoop exception or NodeAction named).</summary>
public enum RmStatusCode
{
    /// <summary>Accepted.</summary>
    Ok,
    /// <summary>No such application (Hadoop's <c>ApplicationNotFoundException</c>).</summary>
    UnknownApplication,
    /// <summary>No such attempt, or not the application's current one (<c>ApplicationAttemptNotFoundException</c>).</summary>
    UnknownApplicationAttempt,
    /// <summary>No such queue, or not a leaf queue (submissions go to leaf queues only).</summary>
    UnknownQueue,
    /// <summary>A field of the request is invalid; the message names it (<c>InvalidResourceRequestException</c> and friends).</summary>
    InvalidRequest,
    /// <summary>An allocate or finish before register (<c>ApplicationMasterNotRegisteredException</c>).</summary>
    NotRegistered,
    /// <summary>Register called twice for the same attempt (<c>InvalidApplicationMasterRequestException</c>).</summary>
    AlreadyRegistered,
    /// <summary>The allocate call's responseId is neither the expected one nor the previous one: the AM must re-register (<c>InvalidApplicationMasterRequestException</c>, formerly AM_RESYNC).</summary>
    OutOfSync,
    /// <summary>A release of a container that belongs to another attempt (<c>InvalidContainerReleaseException</c>).</summary>
    InvalidContainerRelease,
    /// <summary>The application or attempt is in a state that does not allow the request (e.g. finished).</summary>
    InvalidState,
    /// <summary>No such NodeManager, or not registered: it must register again (NodeAction RESYNC).</summary>
    UnknownNode,
}

/// <summary>The outcome of a request: <see cref="RmStatusCode.Ok"/> or a refusal with a message naming the field or id at fault.</summary>
/// <param name="Code">What happened.</param>
/// <param name="Message">Empty when ok; otherwise a sentence naming the offending field or id and its value.</param>
public readonly record struct RmStatus(RmStatusCode Code, string Message)
{
    /// <summary>Accepted.</summary>
    public static RmStatus Ok => new(RmStatusCode.Ok, "");

    /// <summary>True when <see cref="Code"/> is <see cref="RmStatusCode.Ok"/>.</summary>
    public bool IsOk => Code == RmStatusCode.Ok;

    /// <summary>A refusal with <paramref name="code"/> and <paramref name="message"/>.</summary>
    public static RmStatus Fail(RmStatusCode code, string message) => new(code, message);
}
