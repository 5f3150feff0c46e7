using Bridge.Rpc;

namespace Bridge.Eventing.Protocol;

/// <summary>
/// Why a bus call failed, in the trailer <see cref="Trailer"/> beside the gRPC status, for the cases
/// a client acts on (bus.proto lists them with their status codes). Reasons are lower-case words;
/// a client that does not know a reason goes by the status code.
/// </summary>
public static class BusReason
{
    /// <summary>The trailer that carries the reason: <c>bridge-bus-reason</c>.</summary>
    public const string Trailer = "bridge-bus-reason";

    /// <summary>NOT_FOUND: the node serving the session does not hold it (moved, expired, disposed); re-allocate from the last acknowledged cursor.</summary>
    public const string SessionUnknown = "session-unknown";

    /// <summary>NOT_FOUND: the topic does not exist in Kafka.</summary>
    public const string TopicUnknown = "topic-unknown";

    /// <summary>UNAVAILABLE: the node is shutting down and takes no new work; retry, the API tier routes elsewhere.</summary>
    public const string Draining = "draining";

    /// <summary>UNAVAILABLE: the API tier has no live back-end node.</summary>
    public const string NoBackend = "no-backend";

    /// <summary>UNAVAILABLE: Kafka did not take the records in time; they stay staged, retry the Ack.</summary>
    public const string Kafka = "kafka";

    /// <summary>UNAVAILABLE: the schema registry did not answer; retry.</summary>
    public const string Registry = "registry";

    /// <summary>INVALID_ARGUMENT: the cursor is not one the bus issued for this topic and mode (forged, tampered, truncated).</summary>
    public const string CursorInvalid = "cursor-invalid";

    /// <summary>FAILED_PRECONDITION: a read call on a write session or the reverse.</summary>
    public const string WrongMode = "wrong-mode";

    /// <summary>FAILED_PRECONDITION: a Write whose sequence is not the next one, or an Ack of a sequence never written.</summary>
    public const string SequenceGap = "sequence-gap";

    /// <summary>FAILED_PRECONDITION: an Ack of a cursor that is neither the pending nor the committed one.</summary>
    public const string CursorNotPending = "cursor-not-pending";

    /// <summary>RESOURCE_EXHAUSTED: the session's staged writes would pass its limit; Ack first.</summary>
    public const string StagingFull = "staging-full";

    /// <summary>RESOURCE_EXHAUSTED: the node holds as many sessions as it may.</summary>
    public const string TooManySessions = "too-many-sessions";

    /// <summary>An <see cref="RpcException"/> with <paramref name="code"/>, <paramref name="message"/> and the reason trailer.</summary>
    public static RpcException Error(StatusCode code, string reason, string message) =>
        new(new Status(code, message), new Metadata { { Trailer, reason } });

    /// <summary>The reason in <paramref name="error"/>'s trailers, or null.</summary>
    public static string? Of(RpcException error) => error.Trailers.GetValue(Trailer);
}
