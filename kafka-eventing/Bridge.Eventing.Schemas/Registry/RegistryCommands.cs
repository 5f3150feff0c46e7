using System.Collections.Immutable;
using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Schemas.Registry;

/// <summary>
/// The registry's requests, validated against a <see cref="RegistryState"/>: pure functions that
/// return an answer, a <see cref="RegistryError"/>, or (for writes) a <see cref="WritePlan{T}"/> whose
/// records the writer appends to the store before the answer is given. Rules follow Confluent
/// Schema Registry: ids are global (the same schema text gets the same id in every subject), a
/// schema registered again in a subject where it is live gets its existing version, soft deletes
/// hide versions and permanent deletes need a soft delete first.
/// </summary>
public static class RegistryCommands
{
    /// <summary>
    /// Registers <paramref name="schema"/> under <paramref name="subject"/> (<c>POST /subjects/{subject}/versions</c>).
    /// If a live version of the subject has the same text, that version is the answer and nothing is
    /// written. Otherwise the schema must pass the subject's level against its live versions
    /// (<see cref="SchemaCompatibility.Check"/>); it gets the id of the same text anywhere in the
    /// registry, or <see cref="RegistryState.MaxId"/> + 1, and the version after the subject's highest
    /// (soft-deleted ones count, so a version number is never reused while its record exists).
    /// </summary>
    /// <returns>The version (new or existing); or 42208 (bad subject), 409 (incompatible, listing why).</returns>
    public static RegistryResult<WritePlan<SubjectVersion>> Register(RegistryState state, string subject, AvroSchema schema)
    {
        if (SubjectNames.Validate(subject) is { } invalid) return invalid;
        var text = schema.ToJson();
        var live = state.Versions(subject);
        if (live.LastOrDefault(v => v.Schema.Text == text) is { } existing) return new WritePlan<SubjectVersion>([], existing);
        var level = state.EffectiveLevel(subject);
        var check = SchemaCompatibility.Check(level, schema, [.. live.Select(v => v.Schema.Avro)]);
        if (!check.IsCompatible)
            return new RegistryError(RegistryErrorKind.IncompatibleSchema,
                $"Schema being registered is incompatible with an earlier schema for subject '{subject}' (compatibility {CompatibilityLevels.ToWireName(level)}): "
                + string.Join("; ", Describe(check, live)));
        var id = state.IdOf(text) ?? (state.MaxId == int.MaxValue ? 0 : state.MaxId + 1);
        var latest = state.Versions(subject, includeDeleted: true).LastOrDefault()?.Version ?? 0;
        if (id == 0 || latest == int.MaxValue)
            return new RegistryError(RegistryErrorKind.StoreError, id == 0 ? "No schema id is left (2^31-1 used)" : $"Subject '{subject}' has used every version number");
        var stored = state.SchemaById(id) is { } known && known.Text == text ? known : new StoredSchema(id, schema);
        var value = new SubjectVersion(subject, latest + 1, stored, Deleted: false);
        return new WritePlan<SubjectVersion>([new SchemaRecord(subject, value.Version, value)], value);
    }

    /// <summary>
    /// Finds <paramref name="schema"/> among the subject's versions (<c>POST /subjects/{subject}</c>):
    /// the latest version with the same text.
    /// </summary>
    /// <returns>The version; or 40401 (no such subject), 40403 (not registered there), 42208.</returns>
    public static RegistryResult<SubjectVersion> Lookup(RegistryState state, string subject, AvroSchema schema, bool includeDeleted = false)
    {
        if (SubjectNames.Validate(subject) is { } invalid) return invalid;
        var versions = state.Versions(subject, includeDeleted);
        if (versions.Count == 0) return RegistryErrors.SubjectNotFound(subject);
        var text = schema.ToJson();
        return versions.LastOrDefault(v => v.Schema.Text == text) is { } match
            ? match
            : RegistryErrors.SchemaNotFound($"Schema not found in subject '{subject}'");
    }

    /// <summary>A version of a subject (<c>GET /subjects/{subject}/versions/{version}</c>); latest is the highest live one.</summary>
    /// <returns>The version; or 40401 (no live version, or none at all with <paramref name="includeDeleted"/>), 40402, 42208.</returns>
    public static RegistryResult<SubjectVersion> GetVersion(RegistryState state, string subject, VersionSelector version, bool includeDeleted = false)
    {
        if (SubjectNames.Validate(subject) is { } invalid) return invalid;
        var versions = state.Versions(subject, includeDeleted);
        if (versions.Count == 0) return RegistryErrors.SubjectNotFound(subject);
        if (version.IsLatest) return versions[^1];
        return state.Version(subject, version.Number) is { } found && (includeDeleted || !found.Deleted)
            ? found
            : RegistryErrors.VersionNotFound(subject, version.Number);
    }

    /// <summary>The subject's version numbers, oldest first (<c>GET /subjects/{subject}/versions</c>).</summary>
    /// <returns>The numbers; or 40401 when there are none (live ones unless <paramref name="includeDeleted"/>), 42208.</returns>
    public static RegistryResult<ImmutableArray<int>> ListVersions(RegistryState state, string subject, bool includeDeleted = false)
    {
        if (SubjectNames.Validate(subject) is { } invalid) return invalid;
        var versions = state.Versions(subject, includeDeleted);
        return versions.Count == 0 ? RegistryErrors.SubjectNotFound(subject) : versions.Select(v => v.Version).ToImmutableArray();
    }

    /// <summary>The schema under a global id (<c>GET /schemas/ids/{id}</c>), soft-deleted versions included.</summary>
    /// <returns>The schema, or 40403.</returns>
    public static RegistryResult<StoredSchema> GetSchema(RegistryState state, int id) =>
        state.SchemaById(id) is { } schema ? schema : RegistryErrors.SchemaNotFound($"Schema {id} not found");

    /// <summary>Where a global id is used (<c>GET /schemas/ids/{id}/versions</c>): (subject, version) pairs by subject then version.</summary>
    /// <returns>The versions (possibly empty when all are soft-deleted), or 40403.</returns>
    public static RegistryResult<IReadOnlyList<SubjectVersion>> VersionsOfSchema(RegistryState state, int id, bool includeDeleted = false) =>
        state.SchemaById(id) is null
            ? RegistryErrors.SchemaNotFound($"Schema {id} not found")
            : RegistryResult<IReadOnlyList<SubjectVersion>>.Ok(state.VersionsUsing(id, includeDeleted));

    /// <summary>
    /// Deletes a subject (<c>DELETE /subjects/{subject}</c>). Soft: marks every version deleted
    /// (one DELETE_SUBJECT record) and clears the subject's own level, as Confluent does; the answer
    /// is the versions that were live. Permanent: only after a soft delete; tombstones every
    /// version (and the level, if set again since); the answer is every version.
    /// </summary>
    /// <returns>The plan; or 40401, 40404 (soft delete of a soft-deleted subject), 40405 (permanent without soft first), 42208.</returns>
    public static RegistryResult<WritePlan<ImmutableArray<int>>> DeleteSubject(RegistryState state, string subject, bool permanent)
    {
        if (SubjectNames.Validate(subject) is { } invalid) return invalid;
        var all = state.Versions(subject, includeDeleted: true);
        if (all.Count == 0) return RegistryErrors.SubjectNotFound(subject);
        var live = all.Where(v => !v.Deleted).Select(v => v.Version).ToImmutableArray();
        var records = ImmutableArray.CreateBuilder<StoreRecord>();
        if (!permanent)
        {
            if (live.IsEmpty)
                return new RegistryError(RegistryErrorKind.SubjectSoftDeleted, $"Subject '{subject}' was soft deleted. Set permanent=true to delete permanently");
            records.Add(new DeleteSubjectRecord(subject, all[^1].Version));
        }
        else
        {
            if (!live.IsEmpty)
                return new RegistryError(RegistryErrorKind.SubjectNotSoftDeleted, $"Subject '{subject}' was not deleted first before being permanently deleted");
            records.AddRange(all.Select(v => new SchemaRecord(subject, v.Version, null)));
        }
        if (state.SubjectLevel(subject) is not null) records.Add(new ConfigRecord(subject, null));
        return new WritePlan<ImmutableArray<int>>(records.ToImmutable(), permanent ? [.. all.Select(v => v.Version)] : live);
    }

    /// <summary>
    /// Deletes one version (<c>DELETE /subjects/{subject}/versions/{version}</c>). Soft: latest is
    /// the highest live version. Permanent: only a soft-deleted version; latest is the highest one.
    /// </summary>
    /// <returns>The plan answering the version number; or 40401, 40402, 40406 (already soft-deleted), 40407 (permanent without soft first), 42208.</returns>
    public static RegistryResult<WritePlan<int>> DeleteVersion(RegistryState state, string subject, VersionSelector version, bool permanent)
    {
        if (SubjectNames.Validate(subject) is { } invalid) return invalid;
        var all = state.Versions(subject, includeDeleted: true);
        var live = all.Where(v => !v.Deleted).ToList();
        if (all.Count == 0 || !permanent && live.Count == 0) return RegistryErrors.SubjectNotFound(subject);
        var target = version.IsLatest ? (permanent ? all[^1] : live[^1]) : state.Version(subject, version.Number);
        if (target is null) return RegistryErrors.VersionNotFound(subject, version.Number);
        if (!permanent)
        {
            if (target.Deleted)
                return new RegistryError(RegistryErrorKind.VersionSoftDeleted,
                    $"Subject '{subject}' Version {target.Version} was soft deleted. Set permanent=true to delete permanently");
            return new WritePlan<int>([new SchemaRecord(subject, target.Version, target with { Deleted = true })], target.Version);
        }
        if (!target.Deleted)
            return new RegistryError(RegistryErrorKind.VersionNotSoftDeleted,
                $"Subject '{subject}' Version {target.Version} was not deleted first before being permanently deleted");
        return new WritePlan<int>([new SchemaRecord(subject, target.Version, null)], target.Version);
    }

    /// <summary>
    /// Tests <paramref name="schema"/> against the subject's level
    /// (<c>POST /compatibility/subjects/{subject}/versions[/{version}]</c>): against one live version
    /// when <paramref name="version"/> is given, else against the live versions as registering would
    /// (compatible when there are none).
    /// </summary>
    /// <returns>The outcome with one message per incompatibility; or 40401, 40402, 42208.</returns>
    public static RegistryResult<CompatibilityAnswer> TestCompatibility(RegistryState state, string subject, VersionSelector? version, AvroSchema schema)
    {
        if (SubjectNames.Validate(subject) is { } invalid) return invalid;
        IReadOnlyList<SubjectVersion> previous = state.Versions(subject);
        if (version is { } selected)
        {
            var target = GetVersion(state, subject, selected);
            if (target.Error is { } error) return error;
            previous = [target.Value!];
        }
        var check = SchemaCompatibility.Check(state.EffectiveLevel(subject), schema, [.. previous.Select(v => v.Schema.Avro)]);
        return new CompatibilityAnswer(check.IsCompatible, Describe(check, previous));
    }

    /// <summary>The subject's own level (<c>GET /config/{subject}</c>); with <paramref name="defaultToGlobal"/> the level in force.</summary>
    /// <returns>The level; or 40408 (none of its own), 42208.</returns>
    public static RegistryResult<CompatibilityLevel> GetLevel(RegistryState state, string subject, bool defaultToGlobal)
    {
        if (SubjectNames.Validate(subject) is { } invalid) return invalid;
        if (state.SubjectLevel(subject) is { } own) return own;
        if (defaultToGlobal) return state.GlobalLevel;
        return new RegistryError(RegistryErrorKind.SubjectLevelNotConfigured, $"Subject '{subject}' does not have subject-level compatibility configured");
    }

    /// <summary>Sets the level of <paramref name="subject"/>, or the global one when null (<c>PUT /config[/{subject}]</c>). The subject need not exist yet.</summary>
    /// <returns>The plan answering the level; or 42208.</returns>
    public static RegistryResult<WritePlan<CompatibilityLevel>> SetLevel(RegistryState state, string? subject, CompatibilityLevel level)
    {
        if (subject is not null && SubjectNames.Validate(subject) is { } invalid) return invalid;
        return new WritePlan<CompatibilityLevel>([new ConfigRecord(subject, level)], level);
    }

    /// <summary>
    /// Clears the level of <paramref name="subject"/>, which then follows the global one; with null,
    /// resets the global level to BACKWARD (<c>DELETE /config[/{subject}]</c>).
    /// </summary>
    /// <returns>The plan answering the level that was set; or 40401 (the subject has no level of its own), 42208.</returns>
    public static RegistryResult<WritePlan<CompatibilityLevel>> DeleteLevel(RegistryState state, string? subject)
    {
        if (subject is null) return new WritePlan<CompatibilityLevel>([new ConfigRecord(null, null)], state.GlobalLevel);
        if (SubjectNames.Validate(subject) is { } invalid) return invalid;
        return state.SubjectLevel(subject) is { } level
            ? new WritePlan<CompatibilityLevel>([new ConfigRecord(subject, null)], level)
            : RegistryErrors.SubjectNotFound(subject);
    }

    /// <summary>
    /// One line per incompatibility: the check's sentence with the previous schema it is against
    /// named by its version in the subject (the check counts them from 0 in the list it was given),
    /// and the JSON pointer into the reading schema.
    /// </summary>
    private static ImmutableArray<string> Describe(CompatibilityResult check, IReadOnlyList<SubjectVersion> previous) =>
        [.. check.Incompatibilities.Select(i => $"{NameVersion(i, previous)} (at {i.Path})")];

    private static string NameVersion(Incompatibility incompatibility, IReadOnlyList<SubjectVersion> previous)
    {
        if (incompatibility.PreviousIndex is not { } index || index < 0 || index >= previous.Count) return incompatibility.Message;
        var byIndex = $"previous schema {index}";
        var version = $"version {previous[index].Version}";
        var at = incompatibility.Message.IndexOf(byIndex, StringComparison.Ordinal);
        return at < 0
            ? $"{version}: {incompatibility.Message}"
            : string.Concat(incompatibility.Message.AsSpan(0, at), version, incompatibility.Message.AsSpan(at + byIndex.Length));
    }
}

/// <summary>The outcome of a compatibility test: whether the schema passes, and one message per incompatibility.</summary>
/// <param name="IsCompatible">Whether it passes.</param>
/// <param name="Messages">Why not (empty when it passes).</param>
public sealed record CompatibilityAnswer(bool IsCompatible, ImmutableArray<string> Messages);
