namespace Bridge.Eventing.Avro.Generic;

/// <summary>
/// The value of the <c>duration</c> logical type (Avro 1.11 specification, "Duration"): a
/// fixed of 12 bytes holding three little-endian unsigned 32-bit counts, independent of each
/// other (a month is not a number of days).
/// </summary>
/// <param name="Months">Months.</param>
/// <param name="Days">Days.</param>
/// <param name="Milliseconds">Milliseconds.</param>
public readonly record struct AvroDuration(uint Months, uint Days, uint Milliseconds);
