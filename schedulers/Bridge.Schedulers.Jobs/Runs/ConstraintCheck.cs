using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Bridge.Kernel;
using Bridge.Schedulers.Jobs.Definitions;

namespace Bridge.Schedulers.Jobs.Runs;

/// <summary>
/// Chronos' constraints on an offering agent (Chronos' <c>ConstraintChecker</c> and its
/// <c>EqualsConstraint</c>, <c>LikeConstraint</c>, <c>UnlikeConstraint</c>): the attributes are the
/// agent's, plus <c>hostname</c> (the offer's hostname) unless the agent has an attribute of that name.
/// <list type="bullet">
/// <item>EQUALS: the attribute's text equals the value. Chronos compares the text of TEXT attributes
/// only; here every attribute compares by its written text, so <c>cores:8</c> EQUALS <c>8</c> holds.</item>
/// <item>LIKE: the value, a regular expression, matches the whole text (a SET: any item). RANGES never
/// match. Chronos matches a SCALAR's Java rendering (<c>8.0</c>); here its written text (<c>8</c>).</item>
/// <item>UNLIKE: the attribute exists, is not RANGES, and the expression does not match its whole
/// text (a SET: matches no item).</item>
/// <item>A missing attribute satisfies none of the three, UNLIKE included (Chronos' rule; Marathon's
/// UNLIKE holds on agents without the attribute).</item>
/// </list>
/// Pure; regular expressions are compiled once per pattern and matched with a 1 s timeout (a
/// timeout counts as no match).
/// </summary>
public static class ConstraintCheck
{
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>True when every constraint holds on the agent.</summary>
    /// <param name="constraints">The job's constraints.</param>
    /// <param name="hostname">The offer's hostname.</param>
    /// <param name="attributes">The agent's attributes.</param>
    public static bool AllHold(IEnumerable<JobConstraint> constraints, string hostname, Attributes attributes) =>
        constraints.All(c => Holds(c, hostname, attributes));

    /// <summary>True when <paramref name="constraint"/> holds on the agent.</summary>
    public static bool Holds(JobConstraint constraint, string hostname, Attributes attributes)
    {
        var attribute = attributes.Get(constraint.Attribute);
        if (attribute is null && constraint.Attribute == "hostname")
            attribute = new Kernel.Attribute { Name = "hostname", Type = AttributeType.Text, Text = hostname };
        if (attribute is null) return false;
        return constraint.Operator switch
        {
            ConstraintOperator.Equal => attribute.Text == constraint.Value,
            ConstraintOperator.Like => attribute.Type != AttributeType.Ranges && AnyMatches(attribute, constraint.Value),
            _ => attribute.Type != AttributeType.Ranges && !AnyMatches(attribute, constraint.Value),
        };
    }

    private static bool AnyMatches(Kernel.Attribute attribute, string pattern)
    {
        var regex = Patterns.GetOrAdd(pattern, p => new Regex($"\\A(?:{p})\\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        return attribute.Type == AttributeType.Set ? attribute.Set.Any(item => Matches(regex, item)) : Matches(regex, attribute.Text);
    }

    private static bool Matches(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
