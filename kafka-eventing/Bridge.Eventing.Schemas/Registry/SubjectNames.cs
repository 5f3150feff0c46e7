namespace Bridge.Eventing.Schemas.Registry;

/// <summary>
/// What a subject name may be. Confluent puts almost no rule on it (usually <c>TOPIC-key</c>,
/// <c>TOPIC-value</c> or a record's full name); it refuses control characters (42208), and so do
/// we, plus empty names and names over <see cref="MaxLength"/> characters, since every name is kept
/// in memory and in each of the subject's store records.
/// </summary>
public static class SubjectNames
{
    /// <summary>Longest subject name accepted: 1,024 UTF-16 characters (a 249-character topic name with a suffix, or a long record name, fit).</summary>
    public const int MaxLength = 1024;

    /// <summary>Null when <paramref name="subject"/> is usable, else the 42208 error naming why.</summary>
    public static RegistryError? Validate(string subject)
    {
        if (subject.Length == 0) return Invalid("a subject name must not be empty");
        if (subject.Length > MaxLength) return Invalid($"a subject name has at most {MaxLength} characters, not {subject.Length}");
        for (var i = 0; i < subject.Length; i++)
        {
            if (char.IsControl(subject[i])) return Invalid($"subject name has the control character U+{(int)subject[i]:X4} at index {i}");
            if (!char.IsSurrogate(subject[i])) continue;
            if (!char.IsHighSurrogate(subject[i]) || i + 1 == subject.Length || !char.IsLowSurrogate(subject[i + 1]))
                return Invalid($"subject name has an unpaired surrogate at index {i}");
            i++;
        }
        return null;
    }

    private static RegistryError Invalid(string why) => new(RegistryErrorKind.InvalidSubject, $"Invalid subject: {why}");
}
