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
    /// For JSON people type: the bare value, e.g. <c>"a"</c>; <c>null</c> is the null branch. Reading
    /// picks the one branch the value fits, judged on its surface, not its contents: a boolean fits
    /// boolean; a number fits int or long when it is an integer literal in range, float or double
    /// when finite there; a string fits string, bytes when its code points are all U+0000–U+00FF,
    /// a fixed when there are also exactly <c>size</c> of them, an enum when it is one of its
    /// symbols, float and double when it is <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>; an
    /// array fits array; an object fits map, and a record when each member names one of its fields
    /// and each field without a default is there. A value that fits several branches is an error
    /// naming them (<c>5</c> in <c>["int","long"]</c>, <c>"CLUBS"</c> in <c>["string","Suit"]</c>); it is
    /// then given tagged, as in <see cref="Tagged"/>, which is read as such when the object fits no
    /// branch as it is (so a map or record is never misread as a tag). Writing drops the wrappers,
    /// so a value that fits several branches does not read back; doubles are written with a
    /// fraction or exponent (<c>5.0</c>), so they never fit int or long.
    /// </summary>
    Untagged,
}
