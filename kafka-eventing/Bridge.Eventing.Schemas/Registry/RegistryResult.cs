using System.Collections.Immutable;

namespace Bridge.Eventing.Schemas.Registry;

/// <summary>
/// Why a registry request cannot be answered with a value. Each kind is one of Confluent Schema
/// Registry's error codes (<see cref="RegistryErrors.Code"/>); the HTTP layer adds the status.
/// </summary>
public enum RegistryErrorKind
{
    /// <summary>40401: the subject has no versions (or none live, unless deleted ones were asked for).</summary>
    SubjectNotFound,
    /// <summary>40402: the subject has no such version.</summary>
    VersionNotFound,
    /// <summary>40403: no schema with that id, or the schema is not registered under the subject.</summary>
    SchemaNotFound,
    /// <summary>40404: the subject is already soft-deleted (only a permanent delete remains).</summary>
    SubjectSoftDeleted,
    /// <summary>40405: a permanent delete of a subject that was not soft-deleted first.</summary>
    SubjectNotSoftDeleted,
    /// <summary>40406: the version is already soft-deleted.</summary>
    VersionSoftDeleted,
    /// <summary>40407: a permanent delete of a version that was not soft-deleted first.</summary>
    VersionNotSoftDeleted,
    /// <summary>40408: the subject has no level of its own (ask with <c>defaultToGlobal=true</c> for the one in force).</summary>
    SubjectLevelNotConfigured,
    /// <summary>409: the schema breaks the subject's compatibility level.</summary>
    IncompatibleSchema,
    /// <summary>42201: not a valid Avro schema, or a schema type or feature not supported.</summary>
    InvalidSchema,
    /// <summary>42202: not a version id (1 to 2^31-1, or <c>latest</c>).</summary>
    InvalidVersion,
    /// <summary>42203: not a compatibility level name.</summary>
    InvalidCompatibilityLevel,
    /// <summary>42208: not a usable subject name (empty, too long, control characters).</summary>
    InvalidSubject,
    /// <summary>50001: the Kafka store could not be written or read.</summary>
    StoreError,
}

/// <summary>A refused request: the kind and a message that names the subject, version or id involved.</summary>
/// <param name="Kind">Which error.</param>
/// <param name="Message">For a person, e.g. <c>Subject 'orders-value' not found.</c></param>
public sealed record RegistryError(RegistryErrorKind Kind, string Message);

/// <summary>Confluent's error codes and messages for <see cref="RegistryErrorKind"/>.</summary>
public static class RegistryErrors
{
    /// <summary>Confluent's <c>error_code</c> for <paramref name="kind"/> (e.g. 40401).</summary>
    public static int Code(RegistryErrorKind kind) => kind switch
    {
        RegistryErrorKind.SubjectNotFound => 40401,
        RegistryErrorKind.VersionNotFound => 40402,
        RegistryErrorKind.SchemaNotFound => 40403,
        RegistryErrorKind.SubjectSoftDeleted => 40404,
        RegistryErrorKind.SubjectNotSoftDeleted => 40405,
        RegistryErrorKind.VersionSoftDeleted => 40406,
        RegistryErrorKind.VersionNotSoftDeleted => 40407,
        RegistryErrorKind.SubjectLevelNotConfigured => 40408,
        RegistryErrorKind.IncompatibleSchema => 409,
        RegistryErrorKind.InvalidSchema => 42201,
        RegistryErrorKind.InvalidVersion => 42202,
        RegistryErrorKind.InvalidCompatibilityLevel => 42203,
        RegistryErrorKind.InvalidSubject => 42208,
        RegistryErrorKind.StoreError => 50001,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    internal static RegistryError SubjectNotFound(string subject) => new(RegistryErrorKind.SubjectNotFound, $"Subject '{subject}' not found.");

    internal static RegistryError VersionNotFound(string subject, int version) =>
        new(RegistryErrorKind.VersionNotFound, $"Version {version} not found in subject '{subject}'.");

    internal static RegistryError LatestNotFound(string subject) =>
        new(RegistryErrorKind.VersionNotFound, $"Subject '{subject}' has no live version.");

    internal static RegistryError SchemaNotFound(string message) => new(RegistryErrorKind.SchemaNotFound, message);

    internal static RegistryError InvalidCompatibilityLevel(string? given) => new(RegistryErrorKind.InvalidCompatibilityLevel,
        $"Invalid compatibility level{(given is null ? "" : $" '{(given.Length > 100 ? given[..100] + "..." : given)}'")}. Valid values are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE");
}

/// <summary>A value, or the <see cref="RegistryError"/> that stands in its place. Statuses as values: nothing here throws for a refused request.</summary>
/// <typeparam name="T">The answer's type.</typeparam>
public readonly struct RegistryResult<T>
{
    private RegistryResult(T? value, RegistryError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The answer (default when <see cref="Error"/> is set).</summary>
    public T? Value { get; }

    /// <summary>Why there is no answer, or null.</summary>
    public RegistryError? Error { get; }

    /// <summary>An answer (for interface types, which implicit conversions cannot take).</summary>
    public static RegistryResult<T> Ok(T value) => new(value, null);

    /// <summary>An answer.</summary>
    public static implicit operator RegistryResult<T>(T value) => new(value, null);

    /// <summary>A refusal.</summary>
    public static implicit operator RegistryResult<T>(RegistryError error) => new(default, error);
}

/// <summary>
/// What a write command decided: the records to append to the store, in order, and the answer to
/// give once all of them are acknowledged and applied. No records means nothing to write (e.g. a
/// schema registered again).
/// </summary>
/// <typeparam name="T">The answer's type.</typeparam>
/// <param name="Records">Appended in this order, each applied to the state after Kafka acknowledged it.</param>
/// <param name="Answer">The reply once every record is written.</param>
public sealed record WritePlan<T>(ImmutableArray<StoreRecord> Records, T Answer);
