using Bridge.Eventing.Schemas.Http;

namespace Bridge.Eventing.Schemas.Tests.Http;

/// <summary>Request targets split into percent-decoded segments (subjects may hold any character).</summary>
public class RequestPathTests
{
    [Theory]
    [InlineData("/", new string[0])]
    [InlineData("/subjects", new[] { "subjects" })]
    [InlineData("/subjects/", new[] { "subjects" })]
    [InlineData("/subjects/a%2Fb/versions?deleted=true", new[] { "subjects", "a/b", "versions" })]
    [InlineData("/subjects/a%252F", new[] { "subjects", "a%2F" })]
    [InlineData("/subjects/caf%C3%A9+x", new[] { "subjects", "café+x" })]
    [InlineData("/config/%20spaced%20", new[] { "config", " spaced " })]
    [InlineData("/a//b", new[] { "a", "", "b" })]
    public void Split_DecodesEachSegment(string target, string[] segments) => Assert.Equal(segments, RequestPath.Split(target, out _));

    [Theory]
    [InlineData("subjects", "absolute path")]
    [InlineData("/subjects/bad%zz", "malformed percent-escape")]
    [InlineData("/subjects/cut%2", "malformed percent-escape")]
    [InlineData("/subjects/%FF", "not UTF-8")]
    [InlineData("/subjects/%C3", "not UTF-8")]
    [InlineData("/subjects/raw-é", "not UTF-8")]
    public void Split_RefusesMalformedPaths(string target, string why)
    {
        Assert.Null(RequestPath.Split(target, out var error));
        Assert.Contains(why, error);
    }
}
