using Bridge.Kernel;
using Attribute = Bridge.Kernel.Attribute;

namespace Bridge.Schedulers.Services.Constraints;

/// <summary>
/// What constraints look at on an agent: its id, hostname and attributes (Mesos
/// <c>--attributes</c>, e.g. <c>rack:r1;zone:z2</c>).
/// </summary>
/// <param name="Id">The agent's id.</param>
/// <param name="Hostname">The agent's hostname, what <c>hostname</c> constraints compare.</param>
/// <param name="Attributes">The agent's attributes.</param>
public sealed record AgentFacts(AgentId Id, string Hostname, Attributes Attributes)
{
    /// <summary>An agent with no attributes.</summary>
    public AgentFacts(AgentId id, string hostname) : this(id, hostname, Attributes.Empty) { }

    /// <summary>
    /// The agent's value of a constraint field as Marathon compares it (mesos/Constraints.scala):
    /// the hostname for <c>hostname</c> and <c>@hostname</c>; otherwise the attribute's value as text:
    /// text as written, a number rounded half-even to thousandths without trailing zeros (<c>0.8</c>),
    /// ranges as <c>[1-5,8-9]</c>, a set as <c>{a,b}</c> (items sorted). Null when the agent has no
    /// such attribute.
    /// </summary>
    public string? ValueOf(string field) =>
        field is "hostname" or "@hostname" ? Hostname : Attributes.Get(field) is { } a ? Format(a) : null;

    private static string Format(Attribute a) => a.Type switch
    {
        AttributeType.Scalar => Constraint.FormatNumber(a.Text),
        AttributeType.Ranges => "[" + string.Join(",", a.Ranges.Select(r => $"{r.Begin}-{r.End}")) + "]",
        AttributeType.Set => "{" + string.Join(",", a.Set.Order(StringComparer.Ordinal)) + "}",
        _ => a.Text,
    };
}
