using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Bridge.Schedulers.Services.Constraints;

/// <summary>A placement constraint's operator (Marathon <c>ConstraintOperator</c>).</summary>
public enum ConstraintOperator
{
    /// <summary><c>UNIQUE</c>: no two tasks share a value of the field.</summary>
    Unique,
    /// <summary><c>CLUSTER</c>: every task has the given value, or (without one) the first task's value.</summary>
    Cluster,
    /// <summary><c>GROUP_BY</c>: tasks spread evenly over the field's values (at least the given number of them).</summary>
    GroupBy,
    /// <summary><c>LIKE</c>: the value fully matches a regular expression.</summary>
    Like,
    /// <summary><c>UNLIKE</c>: the value does not match a regular expression (an agent without the field qualifies).</summary>
    Unlike,
    /// <summary><c>MAX_PER</c>: at most the given number of tasks per value.</summary>
    MaxPer,
    /// <summary><c>IS</c>: the value equals the given text or number.</summary>
    Is,
}

/// <summary>
/// One placement constraint of an app (Marathon's <c>[field, OPERATOR(, value)]</c>). The field is
/// <c>hostname</c> (or <c>@hostname</c>) for the agent's hostname, otherwise the name of an agent
/// attribute. Immutable; equal when field, operator and value are. Create with <see cref="TryCreate(string, string, string?, out Constraint?, out string?)"/>,
/// which applies Marathon's rules (api/v2/validation/SchedulingValidation.scala):
/// <list type="bullet">
/// <item>the operator is case-insensitive; the field must not be empty;</item>
/// <item>UNIQUE takes no value; CLUSTER any; GROUP_BY none or an integer; MAX_PER an integer;</item>
/// <item>LIKE and UNLIKE a regular expression, IS a Mesos text or number (<c>[a-zA-Z0-9_/.-]</c>).</item>
/// </list>
/// Differences from Marathon, each said where it happens: an empty value counts as none for UNIQUE,
/// CLUSTER and GROUP_BY (old Marathon docs write <c>["hostname", "UNIQUE", ""]</c>) and is refused for
/// IS; <c>@region</c> and <c>@zone</c> are refused (Bridge agents have no fault domain); regular
/// expressions use .NET's non-backtracking engine (linear time), so backreferences, lookarounds and
/// atomic groups are refused.
/// </summary>
public sealed class Constraint : IEquatable<Constraint>
{
    private static readonly Regex MesosTextOrNumber = new("^[a-zA-Z0-9_/.-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex MesosNumber = new(@"^[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant);

    /// <summary>The field: <c>hostname</c>, <c>@hostname</c> or an attribute name.</summary>
    public string Field { get; }

    /// <summary>The operator.</summary>
    public ConstraintOperator Operator { get; }

    /// <summary>The value as written, or null when there is none.</summary>
    public string? Value { get; }

    /// <summary>LIKE and UNLIKE: the value anchored at both ends, compiled once.</summary>
    internal Regex? Pattern { get; }

    /// <summary>MAX_PER: the limit; GROUP_BY: the minimum number of distinct values (0 without a value).</summary>
    internal int Number { get; }

    /// <summary>IS: the value compared with the agent's, numbers rounded as Marathon rounds them.</summary>
    internal string? Comparand { get; }

    private Constraint(string field, ConstraintOperator op, string? value, Regex? pattern, int number, string? comparand)
    {
        Field = field;
        Operator = op;
        Value = value;
        Pattern = pattern;
        Number = number;
        Comparand = comparand;
    }

    /// <summary>True when the field is the agent's hostname (<c>hostname</c> or <c>@hostname</c>).</summary>
    public bool IsHostnameField => Field is "hostname" or "@hostname";

    /// <summary>Marathon's operator name, e.g. <c>GROUP_BY</c>.</summary>
    public static string OperatorName(ConstraintOperator op) => op switch
    {
        ConstraintOperator.Unique => "UNIQUE",
        ConstraintOperator.Cluster => "CLUSTER",
        ConstraintOperator.GroupBy => "GROUP_BY",
        ConstraintOperator.Like => "LIKE",
        ConstraintOperator.Unlike => "UNLIKE",
        ConstraintOperator.MaxPer => "MAX_PER",
        ConstraintOperator.Is => "IS",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>Builds a constraint from Marathon's parts, checking it as Marathon does (see the type's remarks).</summary>
    /// <param name="field">The field name.</param>
    /// <param name="operatorName">The operator, any case: <c>UNIQUE</c>, <c>CLUSTER</c>, <c>GROUP_BY</c>, <c>LIKE</c>, <c>UNLIKE</c>, <c>MAX_PER</c>, <c>IS</c>.</param>
    /// <param name="value">The value, or null.</param>
    /// <param name="constraint">The constraint when valid.</param>
    /// <param name="error">Why not (Marathon's wording where it has one), else null.</param>
    public static bool TryCreate(string field, string operatorName, string? value,
        [NotNullWhen(true)] out Constraint? constraint, [NotNullWhen(false)] out string? error)
    {
        constraint = null;
        if (!TryParseOperator(operatorName, out var op))
        {
            error = "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS";
            return false;
        }
        return TryCreate(field, op, value, out constraint, out error);
    }

    /// <summary>Builds a constraint, checking it as <see cref="TryCreate(string, string, string?, out Constraint?, out string?)"/> does.</summary>
    public static bool TryCreate(string field, ConstraintOperator op, string? value,
        [NotNullWhen(true)] out Constraint? constraint, [NotNullWhen(false)] out string? error)
    {
        constraint = null;
        error = null;
        if (string.IsNullOrEmpty(field)) error = "missing field for constraint declaration";
        else if (field is "@region" or "@zone")
            error = $"{field} is not supported: Bridge agents have no fault domain; constrain an agent attribute instead (e.g. 'zone')";
        if (error is not null) return false;
        if (op is ConstraintOperator.Unique or ConstraintOperator.Cluster or ConstraintOperator.GroupBy && value == "") value = null;

        Regex? pattern = null;
        int number = 0;
        string? comparand = null;
        switch (op)
        {
            case ConstraintOperator.Unique when value is not null:
                error = "UNIQUE does not accept a value";
                break;
            case ConstraintOperator.GroupBy when value is not null:
                if (TryParseJavaInt(value, out number)) number = Math.Max(0, number);
                else error = "GROUP BY must define an integer value or else no value at all";
                break;
            case ConstraintOperator.MaxPer:
                if (value is null || !TryParseJavaInt(value, out number)) error = "MAX_PER requires an integer value";
                break;
            case ConstraintOperator.Like or ConstraintOperator.Unlike:
                if (string.IsNullOrEmpty(value)) error = "LIKE and UNLIKE require a non-empty, regular expression value";
                else pattern = CompilePattern(value, out error);
                break;
            case ConstraintOperator.Is:
                if (string.IsNullOrEmpty(value)) error = "IS requires a value";
                else if (!MesosTextOrNumber.IsMatch(value))
                    error = "IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)";
                else comparand = MesosNumber.IsMatch(value) ? FormatNumber(value) : value;
                break;
        }
        if (error is not null) return false;
        constraint = new Constraint(field, op, value, pattern, number, comparand);
        return true;
    }

    /// <summary>Builds a constraint that is known to be valid (tests, code).</summary>
    /// <exception cref="ArgumentException">It is not valid; the message says why.</exception>
    public static Constraint Create(string field, ConstraintOperator op, string? value = null) =>
        TryCreate(field, op, value, out var c, out var error) ? c : throw new ArgumentException($"invalid constraint {field}:{OperatorName(op)}:{value}: {error}");

    /// <summary>Marathon's JSON form: <c>[field, OPERATOR]</c> or <c>[field, OPERATOR, value]</c>.</summary>
    public IReadOnlyList<string> ToArray() => Value is null ? [Field, OperatorName(Operator)] : [Field, OperatorName(Operator), Value];

    /// <summary><c>field:OPERATOR</c> or <c>field:OPERATOR:value</c>, e.g. <c>hostname:UNIQUE</c>.</summary>
    public override string ToString() => string.Join(":", ToArray());

    /// <inheritdoc />
    public bool Equals(Constraint? other) => other is not null && Field == other.Field && Operator == other.Operator && Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Constraint);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Field, Operator, Value);

    /// <summary>A Mesos scalar as Marathon prints it: rounded half-even to thousandths, no trailing zeros
    /// (Java's <c>DecimalFormat("0.###")</c>). <c>0.80</c> and <c>0.8001</c> both print <c>0.8</c>.</summary>
    internal static string FormatNumber(string digits) =>
        decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
            ? Math.Round(d, 3, MidpointRounding.ToEven).ToString("0.###", CultureInfo.InvariantCulture)
            : digits;

    private static bool TryParseOperator(string name, out ConstraintOperator op)
    {
        foreach (var candidate in Enum.GetValues<ConstraintOperator>())
            if (string.Equals(OperatorName(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                op = candidate;
                return true;
            }
        op = default;
        return false;
    }

    // Java's Integer.parseInt, which Marathon uses: an optional sign and decimal digits, in int range.
    private static bool TryParseJavaInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static Regex? CompilePattern(string value, out string? error)
    {
        error = null;
        try
        {
            const RegexOptions options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;
            // Parsed alone first, so a value such as "a)|(b" cannot escape the anchoring group below.
            _ = new Regex(value, options);
            // Java's String.matches is a full match; \A and \z anchor without $'s final-newline allowance.
            return new Regex(@"\A(?:" + value + @")\z", options);
        }
        catch (NotSupportedException)
        {
            error = "uses backreferences, lookarounds, atomic groups or conditionals, which Bridge does not support (regular expressions run in linear time)";
        }
        catch (ArgumentException)
        {
            error = "is not a valid regular expression";
        }
        return null;
    }
}
