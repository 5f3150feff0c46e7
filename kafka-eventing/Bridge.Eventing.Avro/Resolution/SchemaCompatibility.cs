using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Resolution;

/// <summary>
/// Whether data written with one schema can always be read with another (Avro 1.11 specification,
/// "Schema Resolution", with the matching rules of <see cref="ResolutionRules"/>; Java's
/// <c>org.apache.avro.SchemaCompatibility</c> is the reference semantics), and the registry's
/// compatibility levels on top. Pure functions: nothing here reads data or throws for an
/// incompatible pair; incompatibilities come back as values.
/// </summary>
public static class SchemaCompatibility
{
    /// <summary>
    /// Whether every datum written with <paramref name="writer"/> can be read with
    /// <paramref name="reader"/>, and if not, every reason why.
    /// </summary>
    /// <remarks>
    /// The rules: a writer union needs each of its branches readable; a reader union (writer not a
    /// union) needs the branch <see cref="ResolutionRules.ReaderBranchFor"/> picks, and that branch
    /// readable; records, enums and fixed match by <see cref="ResolutionRules.NamesMatch"/>
    /// (unqualified names, or the writer's full name among the reader's aliases); each reader field
    /// needs a writer field (<see cref="ResolutionRules.WriterFieldFor"/>: by name, else by alias)
    /// whose schema it can read, or a default (writer fields the reader lacks are skipped); an enum
    /// needs every writer symbol, unless it has a default symbol; a fixed needs the writer's size;
    /// arrays and maps need their items and values readable; primitives need
    /// <see cref="ResolutionRules.IsPromotable"/>. Logical types do not count (as in Java).
    /// Recursive schemas terminate: a pair of records met again is taken as compatible there, its
    /// problems being reported where it was first met. Time is bounded by the number of record pairs
    /// times the size of a record body; no recursion, so any schema the parser accepts is safe here.
    /// </remarks>
    /// <returns>
    /// <see cref="CompatibilityResult.Compatible"/>, or the incompatibilities in reader order, each with
    /// a path into <paramref name="reader"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException">A schema is null.</exception>
    public static CompatibilityResult CanRead(AvroSchema reader, AvroSchema writer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        return CompatibilityResult.Of(ReaderWriterChecker.Check(reader, writer));
    }

    /// <summary>
    /// Whether a registry at <paramref name="level"/> would accept <paramref name="candidate"/> as the
    /// next version after <paramref name="previous"/> (Confluent Schema Registry semantics): BACKWARD,
    /// the candidate reads data written with the latest previous schema; FORWARD, the latest reads the
    /// candidate's; FULL, both; the transitive levels check against every previous schema; NONE, and
    /// an empty <paramref name="previous"/>, accept anything.
    /// </summary>
    /// <param name="level">The subject's compatibility level.</param>
    /// <param name="candidate">The schema to be registered.</param>
    /// <param name="previous">The schemas registered so far, oldest first (the last is the latest).</param>
    /// <returns>
    /// <see cref="CompatibilityResult.Compatible"/>, or every incompatibility, previous schemas in list
    /// order and, for each, the backward check before the forward one. Each carries
    /// <see cref="Incompatibility.PreviousIndex"/>, and its message starts by saying which schema reads
    /// which and the index it is against, since <see cref="Incompatibility.Path"/> is in the reader:
    /// the candidate for a backward check, the previous schema for a forward one.
    /// </returns>
    /// <exception cref="ArgumentNullException">A schema, the list or an element of it is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a defined value.</exception>
    public static CompatibilityResult Check(CompatibilityLevel level, AvroSchema candidate, IReadOnlyList<AvroSchema> previous)
    {
        if (!Enum.IsDefined(level)) throw new ArgumentOutOfRangeException(nameof(level), level, "not a compatibility level");
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(previous);
        for (var i = 0; i < previous.Count; i++)
            if (previous[i] is null) throw new ArgumentNullException(nameof(previous), $"previous schema {i} is null");
        if (level == CompatibilityLevel.None || previous.Count == 0) return CompatibilityResult.Compatible;

        var latest = previous.Count - 1;
        var found = new List<Incompatibility>();
        for (var i = CompatibilityLevels.IsTransitive(level) ? 0 : latest; i <= latest; i++)
        {
            var which = i == latest ? $"previous schema {i} (the latest)" : $"previous schema {i}";
            if (CompatibilityLevels.ChecksBackward(level))
                foreach (var problem in ReaderWriterChecker.Check(reader: candidate, writer: previous[i]))
                    found.Add(problem with { PreviousIndex = i, Message = $"the new schema cannot read data written with {which}: {problem.Message}" });
            if (CompatibilityLevels.ChecksForward(level))
                foreach (var problem in ReaderWriterChecker.Check(reader: previous[i], writer: candidate))
                    found.Add(problem with { PreviousIndex = i, Message = $"{which} cannot read data written with the new schema: {problem.Message}" });
        }
        return CompatibilityResult.Of(found);
    }
}
