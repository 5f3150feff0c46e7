using Bridge.Kernel;

namespace Bridge.Kernel.Tests.ResourceModel;

public class RolesAndAttributesTests
{
    [Theory]
    [InlineData("eng")]
    [InlineData("eng/hadoop")]
    [InlineData("*")]
    [InlineData("a.b_c-d")]
    public void Validate_GoodRoles(string role) => Assert.Null(Roles.Validate(role));

    [Theory]
    [InlineData("", "empty")]
    [InlineData(".", "'.'")]
    [InlineData("eng/..", "'..'")]
    [InlineData("/eng", "empty path segment")]
    [InlineData("eng/", "empty path segment")]
    [InlineData("eng//x", "empty path segment")]
    [InlineData("-eng", "starting with '-'")]
    [InlineData("eng/*", "'*'")]
    [InlineData("a b", "invalid character")]
    public void Validate_BadRoles_SayWhy(string role, string why) => Assert.Contains(why, Roles.Validate(role));

    [Fact]
    public void IsSelfOrAncestor_FollowsPathSegments()
    {
        Assert.True(Roles.IsSelfOrAncestor("eng", "eng/hadoop"));
        Assert.True(Roles.IsSelfOrAncestor("eng", "eng"));
        Assert.True(Roles.IsSelfOrAncestor("*", "eng"));
        Assert.False(Roles.IsSelfOrAncestor("eng", "engineering"));
        Assert.False(Roles.IsSelfOrAncestor("eng/hadoop", "eng"));
        Assert.Equal("eng", Roles.Parent("eng/hadoop"));
        Assert.Null(Roles.Parent("eng"));
    }

    [Fact]
    public void Attributes_Parse_InfersTypes()
    {
        var a = Attributes.Parse("rack:r1;cores:8;slots:[1-4];tags:{ssd,gpu};zone:us-east-1a");
        Assert.Equal(AttributeType.Text, a.Get("rack")!.Type);
        Assert.Equal(AttributeType.Scalar, a.Get("cores")!.Type);
        Assert.Equal(Scalar.FromUnits(8), a.Get("cores")!.Scalar);
        Assert.Equal(4ul, a.Get("slots")!.Ranges.ValueCount);
        Assert.Equal(2, a.Get("tags")!.Set.Count);
        Assert.Equal("us-east-1a", a.Get("zone")!.Text);
        Assert.Null(a.Get("missing"));
    }

    [Theory]
    [InlineData("rack", "rack", "expected 'name:value'")]
    [InlineData("rack:r1;rack:r2", "rack:r2", "given twice")]
    [InlineData("slots:[4-1]", "slots:[4-1]", "begin > end")]
    public void Attributes_Bad_NamesToken(string text, string token, string why)
    {
        var e = Assert.Throws<ResourceParseException>(() => Attributes.Parse(text));
        Assert.Equal(token, e.Token);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Quantities_ParseAndMath()
    {
        var q = ResourceQuantities.Parse("cpus:4;mem:4096");
        Assert.Equal("cpus:1;mem:4096", q.SaturatingMinus(ResourceQuantities.Parse("cpus:3;disk:5")).ToString());
        Assert.True(q.Contains(ResourceQuantities.Parse("cpus:4")));
        Assert.False(q.Contains(ResourceQuantities.Parse("gpus:1")));
        Assert.Throws<ResourceParseException>(() => ResourceQuantities.Parse("ports:[1-2]"));
        Assert.Throws<ResourceParseException>(() => ResourceQuantities.Parse("cpus(eng):1"));
    }
}
