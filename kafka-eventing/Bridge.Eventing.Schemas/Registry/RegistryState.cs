using System.Collections.Immutable;
using Bridge.Eventing.Avro.Resolution;

namespace Bridge.Eventing.Schemas.Registry;

/// <summary>
/// Everything the registry knows, as one immutable value: subjects → versions → schema (with its
/// global id), the global id table, the compatibility levels (global and per subject), and the
/// largest id ever seen. Built only by <see cref="Apply"/>ing store records in log order, so a
/// replay of <c>_schemas</c> rebuilds it exactly; readers share a snapshot without locks while the
/// single writer builds the next one. Commands that validate against it: <see cref="RegistryCommands"/>.
/// </summary>
public sealed class RegistryState
{
    private static readonly ImmutableSortedDictionary<int, SubjectVersion> NoVersions = ImmutableSortedDictionary<int, SubjectVersion>.Empty;

    private readonly ImmutableSortedDictionary<string, ImmutableSortedDictionary<int, SubjectVersion>> _subjects;
    private readonly ImmutableDictionary<int, (StoredSchema Schema, int Uses)> _schemas;
    private readonly ImmutableDictionary<string, int> _idsByText;
    private readonly ImmutableDictionary<string, CompatibilityLevel> _subjectLevels;

    private RegistryState(
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<int, SubjectVersion>> subjects,
        ImmutableDictionary<int, (StoredSchema Schema, int Uses)> schemas,
        ImmutableDictionary<string, int> idsByText,
        ImmutableDictionary<string, CompatibilityLevel> subjectLevels,
        CompatibilityLevel? globalLevelSetting,
        int maxId)
    {
        _subjects = subjects;
        _schemas = schemas;
        _idsByText = idsByText;
        _subjectLevels = subjectLevels;
        GlobalLevelSetting = globalLevelSetting;
        MaxId = maxId;
    }

    /// <summary>The state of an empty log: no subjects, no schemas, global level unset (BACKWARD).</summary>
    public static RegistryState Empty { get; } = new(
        ImmutableSortedDictionary.Create<string, ImmutableSortedDictionary<int, SubjectVersion>>(StringComparer.Ordinal),
        ImmutableDictionary<int, (StoredSchema, int)>.Empty,
        ImmutableDictionary.Create<string, int>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, CompatibilityLevel>(StringComparer.Ordinal),
        null,
        0);

    /// <summary>The level new schemas are checked with when nothing else is configured: BACKWARD, Confluent's default.</summary>
    public const CompatibilityLevel DefaultLevel = CompatibilityLevel.Backward;

    /// <summary>The global level as configured (<c>PUT /config</c>), or null when never set.</summary>
    public CompatibilityLevel? GlobalLevelSetting { get; }

    /// <summary>The global level in force: <see cref="GlobalLevelSetting"/> or <see cref="DefaultLevel"/>.</summary>
    public CompatibilityLevel GlobalLevel => GlobalLevelSetting ?? DefaultLevel;

    /// <summary>
    /// The largest schema id any applied record carried, 0 for none. Never decreases, even when
    /// the versions using an id are permanently deleted, so an id is never given to another schema.
    /// </summary>
    public int MaxId { get; }

    /// <summary>Subject names in ordinal order: those with a live version, or with <paramref name="includeDeleted"/> any version.</summary>
    public IReadOnlyList<string> SubjectNames(bool includeDeleted = false) =>
        [.. _subjects.Where(s => includeDeleted || s.Value.Values.Any(v => !v.Deleted)).Select(s => s.Key)];

    /// <summary>
    /// The subject's versions, oldest first: live ones, or with <paramref name="includeDeleted"/>
    /// soft-deleted ones too. Empty for an unknown subject.
    /// </summary>
    public IReadOnlyList<SubjectVersion> Versions(string subject, bool includeDeleted = false) =>
        [.. _subjects.GetValueOrDefault(subject, NoVersions).Values.Where(v => includeDeleted || !v.Deleted)];

    /// <summary>The version, live or soft-deleted, or null when the subject has no such version.</summary>
    public SubjectVersion? Version(string subject, int version) =>
        _subjects.GetValueOrDefault(subject, NoVersions).GetValueOrDefault(version);

    /// <summary>The schema under <paramref name="id"/> while any version (live or soft-deleted) uses it, else null.</summary>
    public StoredSchema? SchemaById(int id) => _schemas.TryGetValue(id, out var entry) ? entry.Schema : null;

    /// <summary>The id of the schema whose normalised text is <paramref name="text"/>, while any version uses it.</summary>
    public int? IdOf(string text) => _idsByText.TryGetValue(text, out var id) ? id : null;

    /// <summary>Every (subject, version) using schema <paramref name="id"/>, by subject then version; soft-deleted ones only with <paramref name="includeDeleted"/>.</summary>
    public IReadOnlyList<SubjectVersion> VersionsUsing(int id, bool includeDeleted = false) =>
        [.. _subjects.Values.SelectMany(versions => versions.Values).Where(v => v.Id == id && (includeDeleted || !v.Deleted))];

    /// <summary>The subject's own level (<c>PUT /config/{subject}</c>), or null when it has none.</summary>
    public CompatibilityLevel? SubjectLevel(string subject) =>
        _subjectLevels.TryGetValue(subject, out var level) ? level : null;

    /// <summary>The level a new version of <paramref name="subject"/> is checked with: its own, else the global one.</summary>
    public CompatibilityLevel EffectiveLevel(string subject) => SubjectLevel(subject) ?? GlobalLevel;

    /// <summary>
    /// The state after <paramref name="record"/>. Pure and total: every record applies (the store's
    /// decoder has already refused malformed ones). A schema record whose id is known with the same
    /// text shares that <see cref="StoredSchema"/>; with a different text (a log no single writer of
    /// ours produces) the later record wins for lookups by id.
    /// </summary>
    public RegistryState Apply(StoreRecord record) => record switch
    {
        SchemaRecord schema => ApplySchema(schema),
        ConfigRecord { Subject: null } config => new(_subjects, _schemas, _idsByText, _subjectLevels, config.Level, MaxId),
        ConfigRecord config => new(_subjects, _schemas, _idsByText,
            config.Level is { } level ? _subjectLevels.SetItem(config.Subject, level) : _subjectLevels.Remove(config.Subject),
            GlobalLevelSetting, MaxId),
        DeleteSubjectRecord delete => ApplyDeleteSubject(delete),
        _ => throw new ArgumentException($"unknown store record {record.GetType().Name}", nameof(record)),
    };

    private RegistryState ApplySchema(SchemaRecord record)
    {
        var versions = _subjects.GetValueOrDefault(record.Subject, NoVersions);
        var schemas = _schemas;
        var idsByText = _idsByText;
        if (versions.TryGetValue(record.Version, out var old)) Release(ref schemas, ref idsByText, old.Schema);
        if (record.Value is not { } value)
        {
            versions = versions.Remove(record.Version);
            var subjects = versions.IsEmpty ? _subjects.Remove(record.Subject) : _subjects.SetItem(record.Subject, versions);
            return new RegistryState(subjects, schemas, idsByText, _subjectLevels, GlobalLevelSetting, MaxId);
        }
        if (schemas.TryGetValue(value.Id, out var known) && known.Schema.Text == value.Schema.Text) value = value with { Schema = known.Schema };
        var uses = schemas.TryGetValue(value.Id, out var entry) ? entry.Uses : 0;
        schemas = schemas.SetItem(value.Id, (value.Schema, uses + 1));
        idsByText = idsByText.SetItem(value.Schema.Text, value.Id);
        return new RegistryState(
            _subjects.SetItem(record.Subject, versions.SetItem(record.Version, value)),
            schemas, idsByText, _subjectLevels, GlobalLevelSetting, Math.Max(MaxId, value.Id));
    }

    private static void Release(ref ImmutableDictionary<int, (StoredSchema Schema, int Uses)> schemas, ref ImmutableDictionary<string, int> idsByText, StoredSchema schema)
    {
        if (!schemas.TryGetValue(schema.Id, out var entry)) return;
        if (entry.Uses > 1)
        {
            schemas = schemas.SetItem(schema.Id, (entry.Schema, entry.Uses - 1));
            return;
        }
        schemas = schemas.Remove(schema.Id);
        if (idsByText.TryGetValue(entry.Schema.Text, out var id) && id == schema.Id) idsByText = idsByText.Remove(entry.Schema.Text);
    }

    private RegistryState ApplyDeleteSubject(DeleteSubjectRecord record)
    {
        if (!_subjects.TryGetValue(record.Subject, out var versions)) return this;
        var builder = versions.ToBuilder();
        foreach (var (number, version) in versions)
            if (number <= record.UpToVersion && !version.Deleted) builder[number] = version with { Deleted = true };
        return new RegistryState(_subjects.SetItem(record.Subject, builder.ToImmutable()), _schemas, _idsByText, _subjectLevels, GlobalLevelSetting, MaxId);
    }
}
