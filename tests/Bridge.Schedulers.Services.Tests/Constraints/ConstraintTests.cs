using Bridge.Schedulers.Services.Constraints;

namespace Bridge.Schedulers.Services.Tests.Constraints;

public class ConstraintTests
{
    [Theory]
    [InlineData("hostname", "unique", null, ConstraintOperator.Unique)]
    [InlineData("rack", "Group_By", "3", ConstraintOperator.GroupBy)]
    [InlineData("rack", "MAX_PER", "+2", ConstraintOperator.MaxPer)]
    [InlineData("rack", "like", "r.*", ConstraintOperator.Like)]
    [InlineData("rack", "IS", "0.80", ConstraintOperator.Is)]
    public void TryCreate_OperatorIsCaseInsensitive(string field, string op, string? value, ConstraintOperator expected)
    {
        Assert.True(Constraint.TryCreate(field, op, value, out var c, out var error), error);
        Assert.Equal(expected, c.Operator);
    }

    [Theory]
    [InlineData(ConstraintOperator.Unique)]
    [InlineData(ConstraintOperator.Cluster)]
    [InlineData(ConstraintOperator.GroupBy)]
    public void TryCreate_EmptyValue_CountsAsNone_WhereAValueIsOptional(ConstraintOperator op)
    {
        Assert.True(Constraint.TryCreate("hostname", op, "", out var c, out var error), error);
        Assert.Null(c.Value);
        Assert.Equal(["hostname", Constraint.OperatorName(op)], c.ToArray());
    }

    [Theory]
    [InlineData(ConstraintOperator.Like, "")]
    [InlineData(ConstraintOperator.Unlike, null)]
    [InlineData(ConstraintOperator.MaxPer, "")]
    [InlineData(ConstraintOperator.MaxPer, "2.5")]
    [InlineData(ConstraintOperator.Is, "")]
    [InlineData(ConstraintOperator.Is, "a b")]
    [InlineData(ConstraintOperator.GroupBy, "x")]
    [InlineData(ConstraintOperator.Like, "(?<=a)b")]
    [InlineData(ConstraintOperator.Like, "a)|(b")]
    [InlineData(ConstraintOperator.Like, "a*+")]
    public void TryCreate_BadValue_IsRefused(ConstraintOperator op, string? value) =>
        Assert.False(Constraint.TryCreate("rack", op, value, out _, out _));

    [Theory]
    [InlineData("@region")]
    [InlineData("@zone")]
    [InlineData("")]
    public void TryCreate_UnusableField_IsRefused(string field) =>
        Assert.False(Constraint.TryCreate(field, ConstraintOperator.GroupBy, null, out _, out _));

    [Fact]
    public void ToString_IsColonSeparated()
    {
        Assert.Equal("hostname:UNIQUE", Constraint.Create("hostname", ConstraintOperator.Unique).ToString());
        Assert.Equal("rack_id:GROUP_BY:3", Constraint.Create("rack_id", ConstraintOperator.GroupBy, "3").ToString());
    }

    [Theory]
    [InlineData("level:0.8", "0.8")]
    [InlineData("level:0.8005", "0.8")]
    [InlineData("level:0.8015", "0.802")]
    [InlineData("level:2.000", "2")]
    [InlineData("rack:rack-1", "rack-1")]
    [InlineData("slots:[8-9,1-5]", "[1-5,8-9]")]
    [InlineData("tags:{ssd,gpu}", "{gpu,ssd}")]
    public void ValueOf_FormatsAttributesAsMarathonDoes(string attributes, string expected) =>
        Assert.Equal(expected, Agents.Agent("a", attributes).ValueOf(attributes.Split(':')[0]));

    [Fact]
    public void ValueOf_HostnameFields_AreTheHostname()
    {
        var agent = Agents.Agent("a", "hostname:not-this", "real.example");
        Assert.Equal("real.example", agent.ValueOf("hostname"));
        Assert.Equal("real.example", agent.ValueOf("@hostname"));
        Assert.Null(agent.ValueOf("rack"));
    }
}
