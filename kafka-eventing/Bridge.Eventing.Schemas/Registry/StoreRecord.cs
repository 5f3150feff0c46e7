using Bridge.Eventing.Avro.Resolution;

namespace Bridge.Eventing.Schemas.Registry;

/// <summary>
/// One record of the registry's log (the <c>_schemas</c> topic), decoded. Each sets the whole value
/// of its key, so replaying the log in order from the start rebuilds the state, and replaying a
/// record twice changes nothing. Wire form (Confluent's): Store/StoreRecordCodec.
/// </summary>
public abstract record StoreRecord;

/// <summary>
/// Key <c>SCHEMA</c> (subject, version): the version as registered or soft-deleted, or null
/// (a tombstone) when permanently deleted.
/// </summary>
/// <param name="Subject">The subject.</param>
/// <param name="Version">The version in the subject.</param>
/// <param name="Value">The version (its subject and version equal the key's), or null for a tombstone.</param>
public sealed record SchemaRecord(string Subject, int Version, SubjectVersion? Value) : StoreRecord;

/// <summary>Key <c>CONFIG</c>: the compatibility level of one subject, or the global one (subject null); null level clears it.</summary>
/// <param name="Subject">The subject, or null for the global level.</param>
/// <param name="Level">The level, or null (a tombstone) to fall back to the global level (for the global key: to the default, BACKWARD).</param>
public sealed record ConfigRecord(string? Subject, CompatibilityLevel? Level) : StoreRecord;

/// <summary>Key <c>DELETE_SUBJECT</c>: soft-deletes every version of the subject up to and including <paramref name="UpToVersion"/>.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="UpToVersion">The last version deleted (the subject's latest when it was written).</param>
public sealed record DeleteSubjectRecord(string Subject, int UpToVersion) : StoreRecord;
