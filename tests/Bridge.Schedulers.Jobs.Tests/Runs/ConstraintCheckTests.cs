using Bridge.Kernel;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;

namespace Bridge.Schedulers.Jobs.Tests.Runs;

/// <summary>Chronos' EQUALS, LIKE and UNLIKE on an agent's attributes and hostname.</summary>
public sealed class ConstraintCheckTests
{
    private static readonly Attributes Agent = Attributes.Parse("rack:r1;zone:eu-west;cores:8;tags:{ssd,gpu};slots:[1-4]");

    private static bool Holds(string attribute, ConstraintOperator op, string value, string hostname = "h1.example.com") =>
        ConstraintCheck.Holds(new JobConstraint(attribute, op, value), hostname, Agent);

    [Theory]
    [InlineData("rack", ConstraintOperator.Equal, "r1", true)]
    [InlineData("rack", ConstraintOperator.Equal, "R1", false)]
    [InlineData("cores", ConstraintOperator.Equal, "8", true)]
    [InlineData("zone", ConstraintOperator.Like, "eu-.*", true)]
    [InlineData("zone", ConstraintOperator.Like, "eu", false)] // the whole text must match
    [InlineData("zone", ConstraintOperator.Unlike, "us-.*", true)]
    [InlineData("zone", ConstraintOperator.Unlike, "eu-.*", false)]
    [InlineData("tags", ConstraintOperator.Like, "gpu", true)] // a set: any item
    [InlineData("tags", ConstraintOperator.Unlike, "gpu", false)]
    [InlineData("tags", ConstraintOperator.Unlike, "nvme", true)]
    [InlineData("cores", ConstraintOperator.Like, "[0-9]+", true)]
    [InlineData("slots", ConstraintOperator.Like, ".*", false)] // ranges never match
    [InlineData("slots", ConstraintOperator.Unlike, "x", false)]
    [InlineData("missing", ConstraintOperator.Equal, "x", false)]
    [InlineData("missing", ConstraintOperator.Like, ".*", false)]
    [InlineData("missing", ConstraintOperator.Unlike, "x", false)] // Chronos: a missing attribute satisfies nothing
    [InlineData("hostname", ConstraintOperator.Equal, "h1.example.com", true)]
    [InlineData("hostname", ConstraintOperator.Like, "h[0-9]\\.example\\.com", true)]
    [InlineData("hostname", ConstraintOperator.Unlike, "h1\\..*", false)]
    public void Holds_AsChronosDecides(string attribute, ConstraintOperator op, string value, bool expected) =>
        Assert.Equal(expected, Holds(attribute, op, value));

    [Fact]
    public void Holds_AnAgentAttributeNamedHostname_WinsOverTheOffersHostname()
    {
        var agent = Attributes.Parse("hostname:labelled");
        Assert.True(ConstraintCheck.Holds(new JobConstraint("hostname", ConstraintOperator.Equal, "labelled"), "real.host", agent));
        Assert.False(ConstraintCheck.Holds(new JobConstraint("hostname", ConstraintOperator.Equal, "real.host"), "real.host", agent));
    }
}
