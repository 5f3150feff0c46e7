namespace Bridge.Eventing.Avro.Json;

/// <summary>How a union's value is written and read in JSON.</summary>
public enum JsonUnionMode
{
    /// <summary>
    /// The specification's form (Avro 1.11, "JSON Encoding"): <c>null</c> for the null branch, else
    /// an object of one member whose name is the branch's full name (record, enum, fixed) or type
    /// name (<c>"int"</c>, <c>"string"</c>, <c>"array"</c>, <c>"map"</c>; a logical type is named
    /// by its underlying type), e.g. <c>{"string": "a"}</c>. What Java's JsonEncoder writes and its
    /// JsonDecoder reads. The default.
    /// </summary>
    Tagged,

    /// <summary>
    /// For JSON people type: the bare value, e.g. <c>"a"</c>. Reading picks the one branch the value
    /// fits (see <see cref="AvroJsonReader"/>); a value that fits several is an error naming them,
    /// and can then be written tagged. Writing drops the wrappers, so a value that fits several
    /// branches (a string that is also a symbol of an enum branch) does not read back.
    /// </summary>
    Untagged,
}
