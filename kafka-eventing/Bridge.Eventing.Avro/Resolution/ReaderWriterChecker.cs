using System.Globalization;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Resolution;

/// <summary>
/// One reader/writer compatibility walk (<see cref="SchemaCompatibility.CanRead"/>): the two schema
/// graphs side by side, depth first in reader order, recording every incompatibility.
/// </summary>
/// <remarks>
/// An explicit stack rather than recursion: through named types a schema unfolds far deeper than
/// its 128 written levels (a chain of records, each naming the one defined before it, is as long as
/// the text allows), and a hostile schema must not overflow the thread's stack. Children are pushed
/// in reverse so they pop in order, which keeps the report in the order a recursive walk gives.
/// A pair of records is checked once: met again (recursion, or the same types used in two places)
/// it adds nothing, so recursive schemas terminate and each problem is reported once, at the first
/// place met. Java memoises pairs in progress as compatible the same way; since nothing found is
/// ever discarded (a reader union is checked through the one branch the decoder would pick), every
/// problem still reaches the result, and work is bounded by the number of record pairs times the
/// size of a record body.
/// </remarks>
internal sealed class ReaderWriterChecker
{
    // Symbols named in a MissingEnumSymbols message before "and N more".
    private const int MaxListedSymbols = 10;

    private readonly List<Incompatibility> _found = [];
    private readonly HashSet<(RecordSchema Writer, RecordSchema Reader)> _checkedRecords = [];
    private readonly Stack<Step> _pending = new();

    /// <summary>
    /// A pair to check. With <see cref="ReaderField"/> set it is one field of a record pair:
    /// <see cref="Writer"/> is the writer record and <see cref="Path"/> the field's.
    /// <see cref="WriterBranch"/> is the writer union branch the writer schema came from, or -1.
    /// </summary>
    private readonly record struct Step(AvroSchema Writer, AvroSchema Reader, Pointer Path,
        int WriterBranch = -1, RecordField? ReaderField = null);

    private ReaderWriterChecker()
    {
    }

    /// <summary>Every incompatibility of reading <paramref name="writer"/>'s data with <paramref name="reader"/>, in reader order.</summary>
    public static List<Incompatibility> Check(AvroSchema reader, AvroSchema writer)
    {
        var checker = new ReaderWriterChecker();
        checker._pending.Push(new Step(writer, reader, Pointer.Root));
        while (checker._pending.TryPop(out var step))
        {
            if (step.ReaderField is { } field) checker.VisitField((RecordSchema)step.Writer, field, step.Path);
            else checker.Visit(step);
        }
        return checker._found;
    }

    private void Visit(Step step)
    {
        switch (step.Writer, step.Reader)
        {
            case (UnionSchema writer, _):
                // Any branch may have been written: each must be readable (an empty union has no values).
                for (var i = writer.Branches.Length - 1; i >= 0; i--)
                    _pending.Push(new Step(writer.Branches[i], step.Reader, step.Path, WriterBranch: i));
                break;
            case (_, UnionSchema reader):
                VisitReaderUnion(step, reader);
                break;
            case (RecordSchema writer, RecordSchema reader):
                if (!_checkedRecords.Add((writer, reader))) break;
                CheckNames(writer, reader, step.Path);
                var fields = step.Path.Then("fields");
                for (var i = reader.Fields.Length - 1; i >= 0; i--)
                    _pending.Push(new Step(writer, reader, fields.Then(i), ReaderField: reader.Fields[i]));
                break;
            case (EnumSchema writer, EnumSchema reader):
                CheckNames(writer, reader, step.Path);
                CheckSymbols(writer, reader, step.Path);
                break;
            case (FixedSchema writer, FixedSchema reader):
                CheckNames(writer, reader, step.Path);
                if (writer.Size != reader.Size)
                    Report(IncompatibilityKind.FixedSizeMismatch, step.Path.Then("size"),
                        $"the writer's fixed '{writer.FullName}' has {writer.Size} bytes but the reader's fixed '{reader.FullName}' has {reader.Size}");
                break;
            case (ArraySchema writer, ArraySchema reader):
                _pending.Push(new Step(writer.Items, reader.Items, step.Path.Then("items")));
                break;
            case (MapSchema writer, MapSchema reader):
                _pending.Push(new Step(writer.Values, reader.Values, step.Path.Then("values")));
                break;
            default:
                // Logical types play no part (as in Java): a date written is an int read.
                var promotable = ResolutionRules.IsPrimitive(step.Writer.Type) && ResolutionRules.IsPrimitive(step.Reader.Type)
                    && ResolutionRules.IsPromotable(step.Writer.Type, step.Reader.Type);
                if (!promotable)
                    Report(IncompatibilityKind.TypeMismatch, step.Path,
                        $"writer type {Describe(step.Writer)}{FromBranch(step.WriterBranch)} cannot be read as reader type {Describe(step.Reader)}");
                break;
        }
    }

    /// <summary>
    /// A non-union writer into a reader union: the decoder reads it as the branch
    /// <see cref="ResolutionRules.ReaderBranchFor"/> picks, so that branch must be readable; Java
    /// instead accepts any compatible branch, which a decoder picking by kind and name would not use.
    /// </summary>
    private void VisitReaderUnion(Step step, UnionSchema reader)
    {
        var branch = ResolutionRules.ReaderBranchFor(step.Writer, reader);
        if (branch >= 0)
        {
            _pending.Push(new Step(step.Writer, reader.Branches[branch], step.Path.Then(branch), step.WriterBranch));
            return;
        }
        var branches = string.Join(", ", reader.Branches.Select(ShortName));
        Report(IncompatibilityKind.MissingUnionBranch, step.Path,
            $"the reader's union [{branches}] has no branch for writer type {Describe(step.Writer)}{FromBranch(step.WriterBranch)}");
    }

    private void VisitField(RecordSchema writer, RecordField readerField, Pointer path)
    {
        if (ResolutionRules.WriterFieldFor(readerField, writer) is { } writerField)
            _pending.Push(new Step(writerField.Schema, readerField.Schema, path.Then("type")));
        else if (!readerField.HasDefault)
        {
            // An enum's default symbol is for unknown symbols, not a missing field (Java 1.11 instead
            // checks such an enum against the writer's whole record, a type mismatch).
            var names = string.Join(" or ", readerField.Aliases.Prepend(readerField.Name).Select(n => $"'{n}'"));
            Report(IncompatibilityKind.ReaderFieldMissingDefaultValue, path,
                $"reader field '{readerField.Name}' has no default and the writer has no field {names}");
        }
    }

    private void CheckNames(NamedSchema writer, NamedSchema reader, Pointer path)
    {
        if (ResolutionRules.NamesMatch(writer, reader)) return;
        var kind = SchemaText.TypeName(reader.Type);
        Report(IncompatibilityKind.NameMismatch, path.Then("name"),
            $"the writer's {kind} '{writer.FullName}' does not match the reader's {kind} '{reader.FullName}': the names differ and '{writer.FullName}' is not one of the reader's aliases");
    }

    private void CheckSymbols(EnumSchema writer, EnumSchema reader, Pointer path)
    {
        // With a default symbol the reader takes it for any symbol it lacks (specification, "Enums").
        if (reader.Default is not null) return;
        var missing = writer.Symbols.Where(s => reader.IndexOf(s) < 0).ToList();
        if (missing.Count == 0) return;
        var listed = string.Join(", ", missing.Take(MaxListedSymbols));
        if (missing.Count > MaxListedSymbols) listed += $" and {missing.Count - MaxListedSymbols} more";
        Report(IncompatibilityKind.MissingEnumSymbols, path.Then("symbols"),
            $"the writer's enum '{writer.FullName}' has symbols the reader's enum '{reader.FullName}' lacks ({listed}) and the reader's has no default symbol");
    }

    private void Report(IncompatibilityKind kind, Pointer path, string message) =>
        _found.Add(new Incompatibility(kind, path.ToString(), message));

    private static string FromBranch(int writerBranch) =>
        writerBranch < 0 ? "" : $" (branch {writerBranch} of the writer's union)";

    /// <summary>"'long'", "record 'a.Foo'", "array", "map", "union".</summary>
    private static string Describe(AvroSchema schema) => schema switch
    {
        NamedSchema named => $"{SchemaText.TypeName(named.Type)} '{named.FullName}'",
        _ when ResolutionRules.IsPrimitive(schema.Type) => $"'{SchemaText.TypeName(schema.Type)}'",
        _ => SchemaText.TypeName(schema.Type),
    };

    /// <summary>A union branch in a message: full name for named types, else the kind ("long", "array").</summary>
    private static string ShortName(AvroSchema schema) =>
        schema is NamedSchema named ? named.FullName : SchemaText.TypeName(schema.Type);

    /// <summary>
    /// A location in the reader schema as a chain of reference tokens, shared by the steps below it
    /// and written out only when something is reported.
    /// </summary>
    private sealed class Pointer
    {
        private readonly Pointer? _parent;
        private readonly string _token;

        private Pointer(Pointer? parent, string token)
        {
            _parent = parent;
            _token = token;
        }

        public static Pointer Root { get; } = new(null, "");

        public Pointer Then(string token) => new(this, token);

        public Pointer Then(int index) => new(this, index.ToString(CultureInfo.InvariantCulture));

        /// <summary>"/" for the root, else "/token/token..." (tokens are schema keywords and indexes, which need no escaping).</summary>
        public override string ToString()
        {
            if (_parent is null) return "/";
            var tokens = new Stack<string>();
            for (var p = this; p._parent is not null; p = p._parent) tokens.Push(p._token);
            return "/" + string.Join("/", tokens);
        }
    }
}
