using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Tests.Schemas;

/// <summary>Every rule of the schema language the parser enforces, each with the path and the words of its error.</summary>
public class SchemaErrorTests
{
    public static TheoryData<string, string, string> Invalid => new()
    {
        // JSON itself.
        { "", "$", "not valid JSON" },
        { "{\"type\": \"int\"", "$", "not valid JSON" },
        { "{\"type\": \"int\",}", "$", "not valid JSON" },
        { "\"int\" \"long\"", "$", "not valid JSON" },
        { "{\"type\": \"int\", \"type\": \"long\"}", "$", "not valid JSON" },
        // Unpaired surrogates escaped in a key or a string (found by the fuzz test; for one in the text see below).
        { "{\"\\ud800\": 1, \"type\": \"int\"}", "$", "not valid JSON" },
        { Field("\"string\"", "\"a\\udc00\""), "$.fields[0].default", "not Unicode text" },
        // The three forms.
        { "42", "$", "not a number" },
        { "null", "$", "not null" },
        { "true", "$", "not a boolean" },
        { "{}", "$", "needs a \"type\"" },
        { """{"type": 3}""", "$.type", "must be a string" },
        { """{"type": {"type": "int"}}""", "$.type", "not inside a schema's \"type\"" },
        { """{"type": ["null", "int"]}""", "$.type", "not an array" },
        { """{"type": "integer"}""", "$.type", "unknown type \"integer\"" },
        { """{"type": "union"}""", "$.type", "written as a JSON array" },
        { "\"integer\"", "$", "\"integer\" is not a primitive type or a named type defined before this point" },
        { "\"Int\"", "$", "not a primitive type" },
        { "\"\"", "$", "empty string" },
        { "\"record\"", "$", "declared as an object" },
        { "\"array\"", "$", "declared as an object" },
        // A named type written as an object's type (python3-avro rejects it too; Java accepts).
        { """[{"type": "fixed", "name": "F", "size": 1}, {"type": "F"}]""", "$[1].type", "refer to it with the JSON string \"F\"" },
        // Records and fields.
        { """{"type": "record", "fields": []}""", "$", "needs a \"name\"" },
        { """{"type": "record", "name": "R"}""", "$", "missing \"fields\"" },
        { """{"type": "record", "name": "R", "fields": {}}""", "$.fields", "must be an array" },
        { """{"type": "record", "name": "R", "fields": ["int"]}""", "$.fields[0]", "a field is an object" },
        { """{"type": "record", "name": "R", "fields": [{"type": "int"}]}""", "$.fields[0]", "missing \"name\"" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a"}]}""", "$.fields[0]", "missing \"type\"" },
        { """{"type": "record", "name": "R", "fields": [{"name": 1, "type": "int"}]}""", "$.fields[0].name", "must be a string" },
        { """{"type": "record", "name": "R", "fields": [{"name": "", "type": "int"}]}""", "$.fields[0].name", "name is empty" },
        { """{"type": "record", "name": "R", "fields": [{"name": "9a", "type": "int"}]}""", "$.fields[0].name", "does not match [A-Za-z_][A-Za-z0-9_]*" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a.b", "type": "int"}]}""", "$.fields[0].name", "does not match" },
        { """{"type": "record", "name": "R", "fields": [{"name": "é", "type": "int"}]}""", "$.fields[0].name", "does not match" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "int"}, {"name": "a", "type": "long"}]}""", "$.fields[2].name", "already used by field 0" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "order": "up"}]}""", "$.fields[0].order", "order \"up\"" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "order": 1}]}""", "$.fields[0].order", "must be a string" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "aliases": "b"}]}""", "$.fields[0].aliases", "must be an array" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "aliases": ["b", "c.d"]}]}""", "$.fields[0].aliases[1]", "field alias \"c.d\"" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "doc": 1}]}""", "$.fields[0].doc", "\"doc\" must be a string" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "array", "items": {"type": "map"}}}]}""", "$.fields[0].type.items", "missing \"values\"" },
        { """{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "int"}, {"name": "c", "type": {"type": "array", "items": "Nope"}}]}""", "$.fields[2].type.items", "\"Nope\" is not a primitive type or a named type" },
        // Names and namespaces.
        { """{"type": "fixed", "name": 1, "size": 1}""", "$.name", "must be a string" },
        { """{"type": "fixed", "name": "", "size": 1}""", "$.name", "the name is empty" },
        { """{"type": "fixed", "name": "1F", "size": 1}""", "$.name", "does not match" },
        { """{"type": "fixed", "name": "a-b", "size": 1}""", "$.name", "does not match" },
        { """{"type": "fixed", "name": "a..F", "size": 1}""", "$.name", "empty part" },
        { """{"type": "fixed", "name": ".F", "size": 1}""", "$.name", "empty part" },
        { """{"type": "fixed", "name": "F.", "size": 1}""", "$.name", "empty part" },
        { """{"type": "fixed", "name": "a.1b.F", "size": 1}""", "$.name", "part \"1b\"" },
        { """{"type": "fixed", "name": "F", "namespace": "a.", "size": 1}""", "$.namespace", "namespace \"a.\" is not valid" },
        { """{"type": "fixed", "name": "F", "namespace": "a b", "size": 1}""", "$.namespace", "part \"a b\"" },
        { """{"type": "fixed", "name": "F", "namespace": 7, "size": 1}""", "$.namespace", "must be a string" },
        { """{"type": "fixed", "name": "int", "size": 1}""", "$.name", "primitive type name" },
        { """{"type": "record", "name": "string", "namespace": "a", "fields": []}""", "$.name", "primitive type name" },
        { """{"type": "enum", "name": "x.y.null", "symbols": []}""", "$.name", "primitive type name" },
        { """{"type": "fixed", "name": "F", "size": 1, "doc": ["d"]}""", "$.doc", "must be a string" },
        { """{"type": "fixed", "name": "F", "size": 1, "aliases": [1]}""", "$.aliases[0]", "an alias is a string" },
        { """{"type": "fixed", "name": "F", "size": 1, "aliases": ["ok", "not ok"]}""", "$.aliases[1]", "alias \"not ok\"" },
        { """{"type": "fixed", "name": "F", "size": 1, "aliases": ["a..b"]}""", "$.aliases[0]", "not a valid full name" },
        // No redefinition; define before use.
        { """[{"type": "fixed", "name": "F", "size": 1}, {"type": "enum", "name": "F", "symbols": ["A"]}]""", "$[1].name", "\"F\" is already defined earlier" },
        { """{"type": "record", "name": "a.R", "fields": [{"name": "x", "type": {"type": "fixed", "name": "R", "size": 1}}]}""", "$.fields[0].type.name", "\"a.R\" is already defined" },
        { """{"type": "record", "name": "R", "fields": [{"name": "x", "type": "S"}, {"name": "y", "type": {"type": "fixed", "name": "S", "size": 1}}]}""", "$.fields[0].type", "\"S\" is not a primitive type or a named type defined before" },
        // A name without a dot means the enclosing namespace; the null-namespace type is not found.
        { """{"type": "record", "name": "Top", "fields": [{"name": "x", "type": {"type": "fixed", "name": "F", "size": 1}}, {"name": "y", "type": {"type": "record", "name": "n.In", "fields": [{"name": "z", "type": "F"}]}}]}""",
          "$.fields[1].type.fields[0].type", "in the null namespace exists" },
        // Enums.
        { """{"type": "enum", "name": "E"}""", "$", "missing \"symbols\"" },
        { """{"type": "enum", "name": "E", "symbols": "A"}""", "$.symbols", "must be an array" },
        { """{"type": "enum", "name": "E", "symbols": ["A", 1]}""", "$.symbols[1]", "a symbol is a string" },
        { """{"type": "enum", "name": "E", "symbols": ["A", "B", "A"]}""", "$.symbols[2]", "already symbol 0" },
        { """{"type": "enum", "name": "E", "symbols": ["A", "1B"]}""", "$.symbols[1]", "does not match" },
        { """{"type": "enum", "name": "E", "symbols": [""]}""", "$.symbols[0]", "does not match" },
        { """{"type": "enum", "name": "E", "symbols": ["A"], "default": "B"}""", "$.default", "not one of the symbols" },
        { """{"type": "enum", "name": "E", "symbols": ["A"], "default": 0}""", "$.default", "is a string" },
        // Fixed.
        { """{"type": "fixed", "name": "F"}""", "$", "missing \"size\"" },
        { """{"type": "fixed", "name": "F", "size": -1}""", "$.size", "integer from 0" },
        { """{"type": "fixed", "name": "F", "size": "16"}""", "$.size", "integer from 0" },
        { """{"type": "fixed", "name": "F", "size": 1.5}""", "$.size", "integer from 0" },
        { """{"type": "fixed", "name": "F", "size": 16.0}""", "$.size", "integer from 0" },
        { """{"type": "fixed", "name": "F", "size": 2147483648}""", "$.size", "integer from 0" },
        // Arrays and maps.
        { """{"type": "array"}""", "$", "missing \"items\"" },
        { """{"type": "map", "items": "int"}""", "$", "missing \"values\"" },
        { """{"type": "array", "items": 5}""", "$.items", "not a number" },
        // Unions.
        { """["null", ["int", "string"]]""", "$[1]", "may not immediately contain another union" },
        { """["int", "string", "int"]""", "$[2]", "already has a branch of type \"int\" (branch 0)" },
        { """["int", {"type": "int", "logicalType": "date"}]""", "$[1]", "logical type does not make a different type" },
        { """[{"type": "array", "items": "int"}, {"type": "array", "items": "string"}]""", "$[1]", "type \"array\"" },
        { """[{"type": "map", "values": "int"}, {"type": "map", "values": "int"}]""", "$[1]", "type \"map\"" },
        { """[{"type": "fixed", "name": "F", "size": 1}, "null", "F"]""", "$[2]", "already has \"F\" as branch 0" },
        { """{"type": "record", "name": "R", "fields": [{"name": "u", "type": ["null", "R", "R"]}]}""", "$.fields[0].type[2]", "already has \"R\"" },
        // Defaults: checked against the type; a union's default against its first branch.
        { Field("\"null\"", "0"), "$.fields[0].default", "must be null" },
        { Field("\"boolean\"", "\"true\""), "$.fields[0].default", "true or false" },
        { Field("\"int\"", "2147483648"), "$.fields[0].default", "(int)" },
        { Field("\"int\"", "1.0"), "$.fields[0].default", "(int)" },
        { Field("\"int\"", "1e2"), "$.fields[0].default", "(int)" },
        { Field("\"long\"", "9223372036854775808"), "$.fields[0].default", "(long)" },
        { Field("\"long\"", "\"1\""), "$.fields[0].default", "(long)" },
        { Field("\"float\"", "\"NaN\""), "$.fields[0].default", "a number (float)" },
        { Field("\"double\"", "null"), "$.fields[0].default", "a number (double)" },
        { Field("\"string\"", "1"), "$.fields[0].default", "a string" },
        { Field("\"bytes\"", "[1]"), "$.fields[0].default", "(bytes)" },
        { Field("\"bytes\"", "\"\\u0100\""), "$.fields[0].default", "U+0100" },
        { Field("""{"type": "fixed", "name": "F", "size": 2}""", "\"abc\""), "$.fields[0].default", "has 2 bytes, but the default has 3" },
        { Field("""{"type": "fixed", "name": "F", "size": 1}""", "\"\\u20ac\""), "$.fields[0].default", "U+20AC" },
        { Field("""{"type": "enum", "name": "E", "symbols": ["A"]}""", "\"B\""), "$.fields[0].default", "not a symbol of enum \"E\"" },
        { Field("""{"type": "array", "items": "int"}""", "[1, \"2\"]"), "$.fields[0].default[1]", "(int)" },
        { Field("""{"type": "map", "values": "int"}""", "{\"a\": 1, \"b c\": true}"), "$.fields[0].default[\"b c\"]", "(int)" },
        { Field("""{"type": "map", "values": "int"}""", "[]"), "$.fields[0].default", "an object (a map)" },
        { Field("""["null", "string"]""", "\"x\""), "$.fields[0].default", "first branch (\"null\")" },
        { Field("""["string", "null"]""", "null"), "$.fields[0].default", "first branch (\"string\")" },
        { Field("[]", "null"), "$.fields[0].default", "empty union" },
        { Field("""{"type": "array", "items": ["int", "null"]}""", "[1, null]"), "$.fields[0].default[1]", "first branch (\"int\")" },
        { Field("""{"type": "record", "name": "S", "fields": [{"name": "x", "type": "int"}]}""", "{}"), "$.fields[0].default", "lacks field \"x\", which has no default" },
        { Field("""{"type": "record", "name": "S", "fields": [{"name": "x", "type": "int"}]}""", "{\"x\": \"1\"}"), "$.fields[0].default.x", "(int)" },
        { Field("""{"type": "record", "name": "S", "fields": [{"name": "x", "type": "int"}]}""", "1"), "$.fields[0].default", "an object for record \"S\"" },
        { """{"type": "record", "name": "L", "fields": [{"name": "v", "type": "int"}, {"name": "next", "type": ["null", "L"], "default": null}, {"name": "head", "type": ["L", "null"], "default": {"v": 1, "next": {"v": "2"}}}]}""",
          "$.fields[2].default.next", "first branch (\"null\")" },
        // The depth limit.
        { new string('[', 200) + new string(']', 200), "$[0]", "may not immediately contain another union" },
    };

    private static string Field(string type, string defaultJson) =>
        $$"""{"type": "record", "name": "R", "fields": [{"name": "f", "type": {{type}}, "default": {{defaultJson}}}]}""";

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_Invalid_ThrowsWithPathAndReason(string json, string path, string fragment)
    {
        var ex = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(json));
        Assert.Equal(path, ex.Path);
        Assert.Contains(fragment, ex.Detail);
        Assert.Equal($"Invalid Avro schema at {path}: {ex.Detail}", ex.Message);
    }

    // Built at run time: xunit would turn a lone surrogate in theory data into U+FFFD.
    [Fact]
    public void Parse_UnpairedSurrogateInTheText_IsNotJson()
    {
        foreach (var json in new[] { "\"" + '\ud800' + "\"", "{\"type\": \"int\", \"" + '\udfff' + "\": 1}" })
        {
            var ex = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(json));
            Assert.Equal("$", ex.Path);
            Assert.Contains("not valid JSON", ex.Detail);
        }
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull() => Assert.Throws<ArgumentNullException>(() => AvroSchema.Parse(null!));

    [Fact]
    public void Parse_JsonSyntaxError_KeepsTheJsonException()
    {
        var ex = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse("{\"type\": int}"));
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(ex.InnerException);
        Assert.Contains("LineNumber", ex.Detail);
    }
}
