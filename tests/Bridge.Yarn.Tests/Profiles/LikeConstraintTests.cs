using Bridge.Kernel;
using Bridge.Yarn.Constraints;

namespace Bridge.Yarn.Tests.Profiles;

public class LikeConstraintTests
{
    private const string Format = "'<mesos_slave_attribute|hostname> LIKE <value_regex>'";

    [Theory]
    [InlineData("", "The value provided for 'constraints' is empty. Format: " + Format)]
    [InlineData("hostname = h1", "Invalid format for LIKE operator in constraint: hostname = h1. Format: " + Format)]
    [InlineData("hostname like h1", "Invalid format for LIKE operator in constraint: hostname like h1. Format: " + Format)]
    [InlineData("hostname LIKE ", "Invalid format for LIKE operator in constraint: hostname LIKE . Format: " + Format)]
    [InlineData("a LIKE b LIKE c", "Invalid format for LIKE operator in constraint: a LIKE b LIKE c. Format: " + Format)]
    [InlineData("hostname LIKE h[1", "Invalid regex for LIKE operator in constraint: hostname LIKE h[1")]
    public void TryParse_Invalid_GivesMyriadsMessage(string text, string expected)
    {
        Assert.False(LikeConstraint.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Hostname_MustMatchWhole_AndTheKeywordIsCaseInsensitive()
    {
        var c = LikeConstraint.Parse("HostName LIKE h[0-9]+");

        Assert.True(c.IsOnHostname);
        Assert.True(c.Matches("h12", Attributes.Empty));
        Assert.False(c.Matches("h12.example", Attributes.Empty));
        Assert.False(c.Matches("xh1", Attributes.Empty));
        Assert.Equal("HostName LIKE h[0-9]+", c.ToString());
    }

    [Fact]
    public void Attribute_TextIsMatched_NameCaseInsensitive_MissingNeverMatches()
    {
        var c = LikeConstraint.Parse("rack LIKE r1.*");

        Assert.True(c.Matches("h1", Attributes.Parse("RACK:r1-east;zone:a")));
        Assert.False(c.Matches("h1", Attributes.Parse("rack:r2")));
        Assert.False(c.Matches("r1", Attributes.Parse("zone:r1")));
        Assert.False(c.Matches("r1", Attributes.Empty));
    }

    [Fact]
    public void ScalarAttribute_IsMatchedInJavasDoubleForm_RangesAndSetsNever()
    {
        Assert.True(LikeConstraint.Parse("cores LIKE 8\\.0").Matches("h", Attributes.Parse("cores:8")));
        Assert.False(LikeConstraint.Parse("cores LIKE 8").Matches("h", Attributes.Parse("cores:8")));
        Assert.True(LikeConstraint.Parse("load LIKE 0\\.5").Matches("h", Attributes.Parse("load:0.5")));
        Assert.False(LikeConstraint.Parse("slots LIKE .*").Matches("h", Attributes.Parse("slots:[1-4]")));
        Assert.False(LikeConstraint.Parse("tags LIKE .*").Matches("h", Attributes.Parse("tags:{a,b}")));
    }

    [Fact]
    public void Equality_IsBySidesAsWritten()
    {
        Assert.Equal(LikeConstraint.Parse("rack LIKE r1"), LikeConstraint.Parse("rack LIKE r1"));
        Assert.NotEqual(LikeConstraint.Parse("rack LIKE r1"), LikeConstraint.Parse("rack LIKE r2"));
    }
}
