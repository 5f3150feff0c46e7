using System.Collections;
using System.Globalization;

namespace Bridge.Eventing.Avro.Generic;

/// <summary>
/// The generic datum model: the .NET value that stands for each Avro type when decoding, and what
/// encoding accepts.
/// <list type="table">
/// <item><term>null</term><description><c>null</c></description></item>
/// <item><term>boolean, int, long, float, double</term><description><c>bool</c>, <c>int</c>, <c>long</c>, <c>float</c>, <c>double</c> (encoding also takes a narrower number: int for long, int/long for float, int/long/float for double)</description></item>
/// <item><term>bytes, string</term><description><c>byte[]</c>, <c>string</c></description></item>
/// <item><term>record, enum, fixed</term><description><see cref="GenericRecord"/>, <see cref="GenericEnum"/> (encoding also takes the symbol as a string), <see cref="GenericFixed"/> (or a <c>byte[]</c> of the size)</description></item>
/// <item><term>array</term><description><c>List&lt;object?&gt;</c> (encoding takes any <see cref="IEnumerable"/> but a string or byte[])</description></item>
/// <item><term>map</term><description><c>Dictionary&lt;string, object?&gt;</c> (encoding takes any <see cref="IDictionary"/> with string keys)</description></item>
/// <item><term>union</term><description>the value of the branch; encoding picks the first branch whose type is exactly the value's, else the first it can be promoted to, else (for a string) the first enum branch with that symbol</description></item>
/// </list>
/// Logical types decode to: decimal <see cref="AvroDecimal"/>; uuid <see cref="Guid"/>; date
/// <see cref="DateOnly"/>; time-millis and time-micros <see cref="TimeOnly"/>; timestamp-millis and
/// -micros <see cref="DateTime"/> (UTC); local-timestamp-millis and -micros <see cref="DateTime"/>
/// (unspecified kind); duration <see cref="AvroDuration"/>. Encoding takes those or the underlying
/// value. Values a .NET type cannot hold (a date past year 9999) are decode errors.
/// </summary>
public static class DatumModel
{
    /// <summary>A short description of a datum for error messages: its value when short, else its .NET type.</summary>
    public static string Describe(object? datum) => datum switch
    {
        null => "null",
        string s => s.Length <= 40 ? $"\"{s}\"" : $"a string of {s.Length} characters",
        bool b => b ? "true" : "false",
        byte[] bytes => $"{bytes.Length} bytes",
        IFormattable f and not IEnumerable => $"{f.ToString(null, CultureInfo.InvariantCulture)} ({datum.GetType().Name})",
        GenericRecord r => $"a record {r.Schema.FullName}",
        GenericEnum e => $"{e.Schema.FullName}.{e.Symbol}",
        GenericFixed f => $"a fixed {f.Schema.FullName}",
        _ => $"a {datum.GetType().Name}",
    };
}
