using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Text.Json;

namespace Bridge.Eventing.Avro.Schemas;

/// <summary>
/// Avro 1.11 schema text to <see cref="AvroSchema"/>: one depth-first, left-to-right pass over
/// the JSON (the order in which the specification says names are defined before use), then a
/// check of every field default once all types are complete (a default may be of a record still
/// being parsed when the field is read).
/// </summary>
internal sealed class SchemaParser
{
    private static readonly string[] RecordAttributes = ["type", "name", "namespace", "doc", "aliases", "fields"];
    private static readonly string[] EnumAttributes = ["type", "name", "namespace", "doc", "aliases", "symbols", "default"];
    private static readonly string[] FixedAttributes = ["type", "name", "namespace", "doc", "aliases", "size"];
    private static readonly string[] ArrayAttributes = ["type", "items"];
    private static readonly string[] MapAttributes = ["type", "values"];
    private static readonly string[] PrimitiveAttributes = ["type"];
    private static readonly string[] FieldAttributes = ["name", "type", "doc", "default", "order", "aliases"];
    private static readonly string[] LogicalAttributes = ["logicalType"];
    private static readonly string[] DecimalAttributes = ["logicalType", "precision", "scale"];
    private static readonly ReadOnlyDictionary<string, JsonElement> NoProperties = new(new Dictionary<string, JsonElement>());

    private readonly SchemaNames _known;
    private readonly Dictionary<string, NamedSchema> _defined = new(StringComparer.Ordinal);
    private readonly HashSet<NamedSchema> _knownUsed = new(ReferenceEqualityComparer.Instance);
    private readonly List<(RecordField Field, JsonPath Path)> _defaults = [];
    private int _depth;
    private int _deepest;

    private SchemaParser(SchemaNames known) => _known = known;

    public static AvroSchema Parse(string json, SchemaNames known)
    {
        if (json.Length > SchemaLimits.MaxLength)
            throw new AvroSchemaException("$", $"the schema text is {json.Length} characters, over the limit of {SchemaLimits.MaxLength}");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                MaxDepth = SchemaLimits.MaxJsonDepth,
                CommentHandling = JsonCommentHandling.Skip,
                AllowDuplicateProperties = false,
            });
        }
        catch (JsonException e)
        {
            throw new AvroSchemaException("$", $"not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // A lone surrogate in the text: it is not Unicode, so it has no UTF-8 form.
            throw new AvroSchemaException("$", $"not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // A key escaping half a surrogate pair ("\ud800"), met by System.Text.Json's
            // duplicate-key check (.NET 10 throws this rather than a JsonException there).
            throw new AvroSchemaException("$", $"not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (json.Contains("\\u", StringComparison.Ordinal)) CheckStrings(document.RootElement);
            var parser = new SchemaParser(known);
            var schema = parser.ParseSchema(document.RootElement, JsonPath.Root, space: null);
            foreach (var (field, path) in parser._defaults)
                DefaultValidator.Check(field.Schema, field.Default!.Value, path);
            return schema;
        }
    }

    /// <summary>
    /// JSON lets a string escape half of a surrogate pair (<c>"\ud800"</c>), which is not Unicode
    /// text and which System.Text.Json refuses to read as a string. When the text has a \u escape
    /// at all (only an escape can make one: the text itself was valid UTF-16), every string and key
    /// is read once here, so the walk below never meets one; the error names where it is.
    /// Iterative, linear.
    /// </summary>
    private static void CheckStrings(JsonElement root)
    {
        var pending = new Stack<(JsonElement Element, JsonPath Path)>();
        pending.Push((root, JsonPath.Root));
        while (pending.Count > 0)
        {
            var (element, path) = pending.Pop();
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    ReadString(() => element.GetString(), path);
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in element.EnumerateArray()) pending.Push((item, path.Index(i++)));
                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        var name = ReadString(() => property.Name, path);
                        pending.Push((property.Value, path.Property(name)));
                    }
                    break;
            }
        }
    }

    private static string ReadString(Func<string?> read, JsonPath path)
    {
        try
        {
            return read()!;
        }
        catch (InvalidOperationException e)
        {
            throw new AvroSchemaException(path.ToString(), $"a string or key is not Unicode text: {e.Message}", e);
        }
    }

    /// <summary>Any of the three forms, one nesting level down from the caller.</summary>
    private AvroSchema ParseSchema(JsonElement json, JsonPath path, string? space)
    {
        if (++_depth > SchemaLimits.MaxDepth)
            throw new AvroSchemaException(path.ToString(), $"schemas are nested more than {SchemaLimits.MaxDepth} deep");
        _deepest = Math.Max(_deepest, _depth);
        try
        {
            return json.ValueKind switch
            {
                JsonValueKind.String => ParseReference(json.GetString()!, path, space),
                JsonValueKind.Object => ParseObject(json, path, space),
                JsonValueKind.Array => ParseUnion(json, path, space),
                var kind => throw new AvroSchemaException(path.ToString(),
                    $"a schema is a JSON string (a type name), object or array (a union), not {SchemaText.Describe(kind)}"),
            };
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>A JSON string: a primitive type name or a named type defined before (specification, "Names").</summary>
    private AvroSchema ParseReference(string name, JsonPath path, string? space)
    {
        if (SchemaText.Primitive(name) is { } primitive) return primitive;
        var fullName = name.Contains('.') || space is null ? name : $"{space}.{name}";
        if (_defined.TryGetValue(fullName, out var defined)) return defined;
        if (_known.TryGet(fullName, out var known))
        {
            UseKnown(known, path);
            return known;
        }
        throw new AvroSchemaException(path.ToString(), UnknownNameDetail(name, fullName));
    }

    /// <summary>
    /// A type from <see cref="SchemaNames"/> is written out in full where first used, so its
    /// definition's height counts against the depth limit there.
    /// </summary>
    private void UseKnown(NamedSchema known, JsonPath path)
    {
        if (!_knownUsed.Add(known)) return;
        var reach = _depth - 1 + known.DefinitionHeight;
        if (reach > SchemaLimits.MaxDepth)
            throw new AvroSchemaException(path.ToString(),
                $"{SchemaText.Quote(known.FullName)} (defined elsewhere, {known.DefinitionHeight} levels deep) would nest schemas {reach} deep here, over {SchemaLimits.MaxDepth}");
        _deepest = Math.Max(_deepest, reach);
    }

    private string UnknownNameDetail(string name, string fullName)
    {
        if (name is "record" or "error" or "enum" or "fixed" or "array" or "map")
            return $"{SchemaText.Quote(name)} is not a defined type; a {name} is declared as an object, e.g. {{\"type\": {SchemaText.Quote(name)}, ...}}";
        if (name.Length == 0) return "an empty string is not a type name";
        var detail = $"{SchemaText.Quote(name)} is not a primitive type or a named type defined before this point";
        if (fullName != name) detail += $" (it means {SchemaText.Quote(fullName)} here)";
        if (fullName != name && (_defined.ContainsKey(name) || _known.TryGet(name, out _)))
            detail += $"; {SchemaText.Quote(name)} in the null namespace exists, but the specification gives no way to name it from inside namespace {SchemaText.Quote(fullName[..fullName.LastIndexOf('.')])}";
        return detail;
    }

    private AvroSchema ParseObject(JsonElement json, JsonPath path, string? space)
    {
        if (!json.TryGetProperty("type", out var typeJson))
            throw new AvroSchemaException(path.ToString(), "a schema object needs a \"type\"");
        if (typeJson.ValueKind != JsonValueKind.String)
            throw new AvroSchemaException(path.Property("type").ToString(),
                $"\"type\" must be a string naming a primitive or complex type, not {SchemaText.Describe(typeJson.ValueKind)}" +
                (typeJson.ValueKind is JsonValueKind.Object or JsonValueKind.Array
                    ? " (a schema nests inside a field's \"type\", an array's \"items\" or a map's \"values\", not inside a schema's \"type\")"
                    : ""));
        var type = typeJson.GetString()!;
        if (SchemaText.Primitive(type) is { } primitive) return ParsePrimitive(json, path, primitive);
        return type switch
        {
            "record" => ParseRecord(json, path, space, isError: false),
            "error" => ParseRecord(json, path, space, isError: true),
            "enum" => ParseEnum(json, path, space),
            "fixed" => ParseFixed(json, path, space),
            "array" => new ArraySchema(
                ParseSchema(Required(json, "items", path), path.Property("items"), space),
                properties: Properties(json, ArrayAttributes, [])),
            "map" => new MapSchema(
                ParseSchema(Required(json, "values", path), path.Property("values"), space),
                properties: Properties(json, MapAttributes, [])),
            "union" => throw new AvroSchemaException(path.Property("type").ToString(),
                "\"union\" is not a type attribute; a union is written as a JSON array of its branches"),
            _ => throw new AvroSchemaException(path.Property("type").ToString(), UnknownTypeDetail(type, space)),
        };
    }

    private string UnknownTypeDetail(string type, string? space)
    {
        var fullName = type.Contains('.') || space is null ? type : $"{space}.{type}";
        if (_defined.ContainsKey(fullName) || _known.TryGet(fullName, out _))
            return $"{SchemaText.Quote(type)} names a defined type; refer to it with the JSON string {SchemaText.Quote(type)}, not as an object's \"type\"";
        return $"unknown type {SchemaText.Quote(type)}: expected a primitive type or record, error, enum, array, map or fixed";
    }

    private static PrimitiveSchema ParsePrimitive(JsonElement json, JsonPath path, PrimitiveSchema shared)
    {
        var logical = LogicalTypes.Resolve(json, shared.Type, fixedSize: 0);
        var properties = Properties(json, PrimitiveAttributes, LogicalAttributesOf(logical));
        return logical is null && properties.Count == 0 ? shared : new PrimitiveSchema(shared.Type, logical, properties);
    }

    private RecordSchema ParseRecord(JsonElement json, JsonPath path, string? space, bool isError)
    {
        var (name, ns) = DefinedName(json, path, space);
        var fieldsJson = Required(json, "fields", path);
        var fieldsPath = path.Property("fields");
        if (fieldsJson.ValueKind != JsonValueKind.Array)
            throw new AvroSchemaException(fieldsPath.ToString(), $"\"fields\" must be an array, not {SchemaText.Describe(fieldsJson.ValueKind)}");
        var record = new RecordSchema(name, ns, Aliases(json, path, ns), Doc(json, path), isError,
            properties: Properties(json, RecordAttributes, []));
        Define(record, path);

        var start = BeginDefinition();
        var fields = ImmutableArray.CreateBuilder<RecordField>(fieldsJson.GetArrayLength());
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var fieldJson in fieldsJson.EnumerateArray())
        {
            var field = ParseField(fieldJson, fieldsPath.Index(i), ns, i, positions);
            fields.Add(field);
            i++;
        }
        record.SetFields(fields.MoveToImmutable());
        EndDefinition(record, start);
        return record;
    }

    private RecordField ParseField(JsonElement json, JsonPath path, string? space, int position, Dictionary<string, int> positions)
    {
        if (json.ValueKind != JsonValueKind.Object)
            throw new AvroSchemaException(path.ToString(), $"a field is an object, not {SchemaText.Describe(json.ValueKind)}");
        var name = RequiredName(json, path, "a field's");
        if (!positions.TryAdd(name, position))
            throw new AvroSchemaException(path.Property("name").ToString(), $"field name {SchemaText.Quote(name)} is already used by field {positions[name]}");
        var schema = ParseSchema(Required(json, "type", path), path.Property("type"), space);

        var order = SortOrder.Ascending;
        if (json.TryGetProperty("order", out var orderJson))
        {
            order = orderJson.ValueKind == JsonValueKind.String
                ? orderJson.GetString() switch
                {
                    "ascending" => SortOrder.Ascending,
                    "descending" => SortOrder.Descending,
                    "ignore" => SortOrder.Ignore,
                    var other => throw new AvroSchemaException(path.Property("order").ToString(),
                        $"order {SchemaText.Quote(other!)} is not \"ascending\", \"descending\" or \"ignore\""),
                }
                : throw new AvroSchemaException(path.Property("order").ToString(),
                    $"\"order\" must be a string, not {SchemaText.Describe(orderJson.ValueKind)}");
        }

        JsonElement? defaultValue = json.TryGetProperty("default", out var defaultJson) ? defaultJson.Clone() : null;
        var field = new RecordField(name, position, schema, defaultValue, order, FieldAliases(json, path), Doc(json, path),
            Properties(json, FieldAttributes, []));
        if (defaultValue.HasValue) _defaults.Add((field, path.Property("default")));
        return field;
    }

    private EnumSchema ParseEnum(JsonElement json, JsonPath path, string? space)
    {
        var (name, ns) = DefinedName(json, path, space);
        var symbolsJson = Required(json, "symbols", path);
        var symbolsPath = path.Property("symbols");
        if (symbolsJson.ValueKind != JsonValueKind.Array)
            throw new AvroSchemaException(symbolsPath.ToString(), $"\"symbols\" must be an array, not {SchemaText.Describe(symbolsJson.ValueKind)}");
        var symbols = ImmutableArray.CreateBuilder<string>(symbolsJson.GetArrayLength());
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var symbolJson in symbolsJson.EnumerateArray())
        {
            var at = symbolsPath.Index(i);
            if (symbolJson.ValueKind != JsonValueKind.String)
                throw new AvroSchemaException(at.ToString(), $"a symbol is a string, not {SchemaText.Describe(symbolJson.ValueKind)}");
            var symbol = symbolJson.GetString()!;
            if (!SchemaText.IsValidName(symbol))
                throw new AvroSchemaException(at.ToString(), $"symbol {SchemaText.Quote(symbol)} {SchemaText.NameRule}");
            if (!seen.TryAdd(symbol, i))
                throw new AvroSchemaException(at.ToString(), $"symbol {SchemaText.Quote(symbol)} is already symbol {seen[symbol]}");
            symbols.Add(symbol);
            i++;
        }

        string? defaultSymbol = null;
        if (json.TryGetProperty("default", out var defaultJson))
        {
            var at = path.Property("default").ToString();
            if (defaultJson.ValueKind != JsonValueKind.String)
                throw new AvroSchemaException(at, $"an enum's default is a string, not {SchemaText.Describe(defaultJson.ValueKind)}");
            defaultSymbol = defaultJson.GetString()!;
            if (!seen.ContainsKey(defaultSymbol))
                throw new AvroSchemaException(at, $"default {SchemaText.Quote(defaultSymbol)} is not one of the symbols");
        }

        var schema = new EnumSchema(name, ns, Aliases(json, path, ns), Doc(json, path), symbols.MoveToImmutable(), defaultSymbol,
            properties: Properties(json, EnumAttributes, []));
        Define(schema, path);
        return schema;
    }

    private FixedSchema ParseFixed(JsonElement json, JsonPath path, string? space)
    {
        var (name, ns) = DefinedName(json, path, space);
        var sizeJson = Required(json, "size", path);
        if (sizeJson.ValueKind != JsonValueKind.Number || !sizeJson.TryGetInt32(out var size) || size < 0)
            throw new AvroSchemaException(path.Property("size").ToString(),
                $"\"size\" must be an integer from 0 to {int.MaxValue}, not {Raw(sizeJson)}");
        var logical = LogicalTypes.Resolve(json, AvroType.Fixed, size);
        var schema = new FixedSchema(name, ns, Aliases(json, path, ns), Doc(json, path), size, logical,
            Properties(json, FixedAttributes, LogicalAttributesOf(logical)));
        Define(schema, path);
        return schema;
    }

    private UnionSchema ParseUnion(JsonElement json, JsonPath path, string? space)
    {
        var branches = ImmutableArray.CreateBuilder<AvroSchema>(json.GetArrayLength());
        var unnamed = new Dictionary<AvroType, int>();
        var named = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var branchJson in json.EnumerateArray())
        {
            var at = path.Index(i);
            if (branchJson.ValueKind == JsonValueKind.Array)
                throw new AvroSchemaException(at.ToString(), "a union may not immediately contain another union");
            var branch = ParseSchema(branchJson, at, space);
            if (branch is NamedSchema n)
            {
                if (!named.TryAdd(n.FullName, i))
                    throw new AvroSchemaException(at.ToString(), $"the union already has {SchemaText.Quote(n.FullName)} as branch {named[n.FullName]}");
            }
            else if (!unnamed.TryAdd(branch.Type, i))
            {
                throw new AvroSchemaException(at.ToString(),
                    $"the union already has a branch of type \"{SchemaText.TypeName(branch.Type)}\" (branch {unnamed[branch.Type]}); " +
                    "only named types may appear more than once, and a logical type does not make a different type");
            }
            branches.Add(branch);
            i++;
        }
        return new UnionSchema(branches.MoveToImmutable());
    }

    /// <summary>
    /// The name and namespace of a record, enum or fixed definition (specification, "Names"): a
    /// dotted name is a full name and any namespace attribute is ignored; otherwise the namespace
    /// attribute (<c>""</c> is the null namespace), else the enclosing named type's namespace.
    /// </summary>
    private (string Name, string? Space) DefinedName(JsonElement json, JsonPath path, string? enclosing)
    {
        if (!json.TryGetProperty("name", out var nameJson))
            throw new AvroSchemaException(path.ToString(), "a record, enum or fixed needs a \"name\"");
        var namePath = path.Property("name").ToString();
        if (nameJson.ValueKind != JsonValueKind.String)
            throw new AvroSchemaException(namePath, $"\"name\" must be a string, not {SchemaText.Describe(nameJson.ValueKind)}");
        var text = nameJson.GetString()!;
        string name;
        string? space;
        var lastDot = text.LastIndexOf('.');
        if (lastDot >= 0)
        {
            if (SchemaText.DottedNameProblem(text) is { } problem)
                throw new AvroSchemaException(namePath, $"full name {SchemaText.Quote(text)} is not valid: {problem}");
            (space, name) = (text[..lastDot], text[(lastDot + 1)..]);
        }
        else
        {
            if (!SchemaText.IsValidName(text))
                throw new AvroSchemaException(namePath, text.Length == 0 ? "the name is empty" : $"name {SchemaText.Quote(text)} {SchemaText.NameRule}");
            name = text;
            space = enclosing;
            if (json.TryGetProperty("namespace", out var nsJson))
            {
                var nsPath = path.Property("namespace").ToString();
                if (nsJson.ValueKind != JsonValueKind.String)
                    throw new AvroSchemaException(nsPath, $"\"namespace\" must be a string, not {SchemaText.Describe(nsJson.ValueKind)}");
                space = nsJson.GetString()!;
                if (space.Length == 0) space = null;
                else if (SchemaText.DottedNameProblem(space) is { } problem)
                    throw new AvroSchemaException(nsPath, $"namespace {SchemaText.Quote(space)} is not valid: {problem}");
            }
        }
        if (SchemaText.Primitive(name) is not null)
            throw new AvroSchemaException(namePath, $"{SchemaText.Quote(name)} is a primitive type name, which may not be defined in any namespace");
        return (name, space);
    }

    private void Define(NamedSchema schema, JsonPath path)
    {
        if (_known.TryGet(schema.FullName, out _))
            throw new AvroSchemaException(path.Property("name").ToString(), $"{SchemaText.Quote(schema.FullName)} is already defined (among the known names)");
        if (!_defined.TryAdd(schema.FullName, schema))
            throw new AvroSchemaException(path.Property("name").ToString(), $"{SchemaText.Quote(schema.FullName)} is already defined earlier in this schema");
    }

    private (int Depth, int Deepest) BeginDefinition()
    {
        var saved = (_depth, _deepest);
        _deepest = _depth;
        return saved;
    }

    private void EndDefinition(NamedSchema schema, (int Depth, int Deepest) saved)
    {
        schema.DefinitionHeight = _deepest - saved.Depth + 1;
        _deepest = Math.Max(saved.Deepest, _deepest);
    }

    /// <summary>Aliases of a named type, each resolved to a full name against the type's own namespace.</summary>
    private static ImmutableArray<string> Aliases(JsonElement json, JsonPath path, string? space) =>
        AliasList(json, path, alias =>
            alias.Contains('.')
                ? (SchemaText.DottedNameProblem(alias) is { } problem ? $"alias {SchemaText.Quote(alias)} is not a valid full name: {problem}" : null, alias)
                : (SchemaText.IsValidName(alias) ? null : $"alias {SchemaText.Quote(alias)} {SchemaText.NameRule}", space is null ? alias : $"{space}.{alias}"));

    private static ImmutableArray<string> FieldAliases(JsonElement json, JsonPath path) =>
        AliasList(json, path, alias => (SchemaText.IsValidName(alias) ? null : $"field alias {SchemaText.Quote(alias)} {SchemaText.NameRule}", alias));

    private static ImmutableArray<string> AliasList(JsonElement json, JsonPath path, Func<string, (string? Problem, string Resolved)> resolve)
    {
        if (!json.TryGetProperty("aliases", out var aliasesJson)) return [];
        var aliasesPath = path.Property("aliases");
        if (aliasesJson.ValueKind != JsonValueKind.Array)
            throw new AvroSchemaException(aliasesPath.ToString(), $"\"aliases\" must be an array of strings, not {SchemaText.Describe(aliasesJson.ValueKind)}");
        var aliases = ImmutableArray.CreateBuilder<string>(aliasesJson.GetArrayLength());
        var i = 0;
        foreach (var aliasJson in aliasesJson.EnumerateArray())
        {
            var at = aliasesPath.Index(i++).ToString();
            if (aliasJson.ValueKind != JsonValueKind.String)
                throw new AvroSchemaException(at, $"an alias is a string, not {SchemaText.Describe(aliasJson.ValueKind)}");
            var (problem, resolved) = resolve(aliasJson.GetString()!);
            if (problem is not null) throw new AvroSchemaException(at, problem);
            aliases.Add(resolved);
        }
        return aliases.MoveToImmutable();
    }

    private static string? Doc(JsonElement json, JsonPath path)
    {
        if (!json.TryGetProperty("doc", out var docJson)) return null;
        return docJson.ValueKind == JsonValueKind.String
            ? docJson.GetString()
            : throw new AvroSchemaException(path.Property("doc").ToString(), $"\"doc\" must be a string, not {SchemaText.Describe(docJson.ValueKind)}");
    }

    private static string RequiredName(JsonElement json, JsonPath path, string whose)
    {
        var nameJson = Required(json, "name", path);
        var at = path.Property("name").ToString();
        if (nameJson.ValueKind != JsonValueKind.String)
            throw new AvroSchemaException(at, $"{whose} \"name\" must be a string, not {SchemaText.Describe(nameJson.ValueKind)}");
        var name = nameJson.GetString()!;
        if (!SchemaText.IsValidName(name))
            throw new AvroSchemaException(at, name.Length == 0 ? $"{whose} name is empty" : $"{whose} name {SchemaText.Quote(name)} {SchemaText.NameRule}");
        return name;
    }

    private static JsonElement Required(JsonElement json, string attribute, JsonPath path) =>
        json.TryGetProperty(attribute, out var value)
            ? value
            : throw new AvroSchemaException(path.ToString(), $"missing \"{attribute}\"");

    /// <summary>The attributes that are neither <paramref name="reserved"/> nor a valid logical type's, as detached copies.</summary>
    private static IReadOnlyDictionary<string, JsonElement> Properties(JsonElement json, string[] reserved, string[] logical)
    {
        Dictionary<string, JsonElement>? extra = null;
        foreach (var property in json.EnumerateObject())
        {
            if (Array.IndexOf(reserved, property.Name) >= 0 || Array.IndexOf(logical, property.Name) >= 0) continue;
            (extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal)).Add(property.Name, property.Value.Clone());
        }
        return extra is null ? NoProperties : new ReadOnlyDictionary<string, JsonElement>(extra);
    }

    private static string[] LogicalAttributesOf(LogicalType? logical) => logical switch
    {
        null => [],
        { Kind: LogicalTypeKind.Decimal } => DecimalAttributes,
        _ => LogicalAttributes,
    };

    /// <summary>A JSON value for a message, shortened.</summary>
    internal static string Raw(JsonElement json)
    {
        var text = json.GetRawText();
        return text.Length <= 40 ? text : text[..37] + "...";
    }
}
