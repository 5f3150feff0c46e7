namespace Bridge.Eventing.Avro.Tests.Schemas;

/// <summary>
/// Valid schemas that between them use every type, every logical type, namespaces, recursion,
/// aliases, defaults of every kind and extra attributes: the round-trip, interop and fuzz seed set.
/// </summary>
public static class SchemaCorpus
{
    public static readonly IReadOnlyList<(string Name, string Json)> Valid =
    [
        ("null", "\"null\""),
        ("boolean", "\"boolean\""),
        ("int", "\"int\""),
        ("long", "\"long\""),
        ("float", "\"float\""),
        ("double", "\"double\""),
        ("bytes", "\"bytes\""),
        ("string", "\"string\""),
        ("object-primitive", """{"type": "int"}"""),
        ("primitive-with-attribute", """{"type": "string", "avro.java.string": "String"}"""),
        ("union", """["null", "string"]"""),
        ("empty-union", "[]"),
        ("array", """{"type": "array", "items": "string", "default": []}"""),
        ("map", """{"type": "map", "values": "long", "default": {}}"""),
        ("enum", """{"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS", "DIAMONDS", "CLUBS"]}"""),
        ("enum-default", """{"type": "enum", "name": "e.Color", "doc": "colours", "aliases": ["Colour", "x.Hue"], "symbols": ["RED", "GREEN", "UNKNOWN"], "default": "UNKNOWN"}"""),
        ("fixed", """{"type": "fixed", "size": 16, "name": "md5"}"""),
        ("fixed-empty", """{"type": "fixed", "size": 0, "name": "nothing", "namespace": "n"}"""),
        ("decimal-bytes", """{"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}"""),
        ("decimal-fixed", """{"type": "fixed", "name": "Money", "size": 8, "logicalType": "decimal", "precision": 18}"""),
        ("uuid", """{"type": "string", "logicalType": "uuid"}"""),
        ("date", """{"type": "int", "logicalType": "date"}"""),
        ("time-millis", """{"type": "int", "logicalType": "time-millis"}"""),
        ("time-micros", """{"type": "long", "logicalType": "time-micros"}"""),
        ("timestamp-millis", """{"type": "long", "logicalType": "timestamp-millis"}"""),
        ("timestamp-micros", """{"type": "long", "logicalType": "timestamp-micros"}"""),
        ("local-timestamp-millis", """{"type": "long", "logicalType": "local-timestamp-millis"}"""),
        ("local-timestamp-micros", """{"type": "long", "logicalType": "local-timestamp-micros"}"""),
        ("duration", """{"type": "fixed", "name": "Span", "size": 12, "logicalType": "duration"}"""),
        ("unknown-logical", """{"type": "long", "logicalType": "nanos-since-big-bang"}"""),
        ("invalid-decimal", """{"type": "bytes", "logicalType": "decimal", "precision": 2, "scale": 3}"""),
        ("record-test", """{"type": "record", "name": "test", "fields": [{"name": "a", "type": "long"}, {"name": "b", "type": "string"}]}"""),
        ("long-list", """
            {
              "type": "record",
              "name": "LongList",
              "aliases": ["LinkedLongs"],
              "fields" : [
                {"name": "value", "type": "long"},
                {"name": "next", "type": ["null", "LongList"]}
              ]
            }
            """),
        ("names-example", """
            {
              "type": "record",
              "name": "Example",
              "doc": "A simple name (attribute) and no namespace attribute: use the null namespace.",
              "fields": [
                {"name": "inheritNull", "type": {"type": "enum", "name": "Simple", "symbols": ["a", "b"]}},
                {"name": "explicitNamespace", "type": {"type": "fixed", "name": "Simple", "namespace": "explicit", "size": 12}},
                {"name": "fullName", "type": {
                  "type": "record", "name": "a.full.Name", "namespace": "ignored",
                  "fields": [{"name": "inheritNamespace", "type": {"type": "enum", "name": "Understanding", "symbols": ["d", "e"]}}]}}
              ]
            }
            """),
        ("error", """{"type": "error", "name": "Oops", "namespace": "org.example", "fields": [{"name": "message", "type": "string"}]}"""),
        ("everything", """
            {
              "type": "record", "name": "Everything", "namespace": "org.bridge.test",
              "doc": "Every type and logical type, with defaults", "aliases": ["All", "old.Everything"],
              "java-class": "org.example.Everything",
              "fields": [
                {"name": "n", "type": "null", "default": null},
                {"name": "b", "type": "boolean", "default": true, "doc": "a flag", "order": "descending"},
                {"name": "i", "type": "int", "default": -2147483648, "aliases": ["int_field"]},
                {"name": "l", "type": "long", "default": 9223372036854775807, "order": "ignore"},
                {"name": "f", "type": "float", "default": 1.5},
                {"name": "d", "type": "double", "default": -1e300},
                {"name": "by", "type": "bytes", "default": "\u00ff\u0000a"},
                {"name": "s", "type": "string", "default": "h\u00e9llo \ud83d\ude00", "x-note": {"nested": [1, 2]}},
                {"name": "e", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"], "default": "A"}, "default": "B"},
                {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}, "default": "abcd"},
                {"name": "a", "type": {"type": "array", "items": "Kind"}, "default": ["A", "B"]},
                {"name": "m", "type": {"type": "map", "values": ["null", "Four"]}, "default": {"k": null}},
                {"name": "u", "type": ["int", "string", "Kind", "Four", {"type": "array", "items": "int"}], "default": 7},
                {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 3}, "default": "\u0001"},
                {"name": "decf", "type": {"type": "fixed", "name": "Dec16", "size": 16, "logicalType": "decimal", "precision": 38, "scale": 9}},
                {"name": "id", "type": {"type": "string", "logicalType": "uuid"}, "default": "00000000-0000-0000-0000-000000000000"},
                {"name": "day", "type": {"type": "int", "logicalType": "date"}, "default": 0},
                {"name": "tm", "type": {"type": "int", "logicalType": "time-millis"}},
                {"name": "tu", "type": {"type": "long", "logicalType": "time-micros"}},
                {"name": "tsm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                {"name": "tsu", "type": {"type": "long", "logicalType": "timestamp-micros"}},
                {"name": "ltm", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
                {"name": "ltu", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
                {"name": "dur", "type": {"type": "fixed", "name": "Duration", "namespace": "time", "size": 12, "logicalType": "duration"}},
                {"name": "nested", "type": {
                  "type": "record", "name": "Inner", "namespace": "other",
                  "fields": [
                    {"name": "self", "type": ["null", "Inner"], "default": null},
                    {"name": "outer", "type": ["null", "org.bridge.test.Everything"], "default": null},
                    {"name": "kinds", "type": {"type": "map", "values": "org.bridge.test.Kind"}, "default": {}}
                  ]}, "default": {"kinds": {"x": "A"}}},
                {"name": "reuse", "type": "other.Inner", "default": {"self": null, "outer": null, "kinds": {}}},
                {"name": "dur2", "type": "time.Duration"},
                {"name": "matrix", "type": {"type": "array", "items": {"type": "array", "items": "double"}}, "default": [[1], [2.5, 3]]}
              ]
            }
            """),
        ("recursive-tree", """
            {"type": "record", "name": "Tree", "namespace": "t", "fields": [
              {"name": "label", "type": "string"},
              {"name": "children", "type": {"type": "array", "items": "Tree"}, "default": []},
              {"name": "attrs", "type": {"type": "map", "values": "t.Tree"}, "default": {}}
            ]}
            """),
        ("complex-type-names-as-names", """
            {"type": "record", "name": "record", "namespace": "r", "fields": [
              {"name": "a", "type": {"type": "enum", "name": "array", "symbols": ["map"]}},
              {"name": "b", "type": {"type": "fixed", "name": "union", "size": 1}},
              {"name": "c", "type": ["null", "record", "array", "union"]}
            ]}
            """),
        ("null-namespace-inside", """
            {"type": "record", "name": "Outer", "namespace": "ns", "fields": [
              {"name": "bare", "type": {"type": "enum", "name": "Bare", "namespace": "", "symbols": ["X"]}},
              {"name": "same", "type": {"type": "fixed", "name": "ns.Same", "size": 2}},
              {"name": "again", "type": ["null", "Same", "ns.Outer"]}
            ]}
            """),
        ("escapes", """{"type": "record", "name": "\u0045sc", "doc": "tab\tquote\"slash\\ \u2603", "fields": [{"name": "\u0078", "type": "string", "default": "\u0000\n"}]}"""),
    ];

    public static IEnumerable<object[]> ValidCases() => Valid.Select(c => new object[] { c.Name });

    public static string Json(string name) => Valid.Single(c => c.Name == name).Json;
}
