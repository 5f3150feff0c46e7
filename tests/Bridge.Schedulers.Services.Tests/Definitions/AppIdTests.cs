using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Tests.Definitions;

public class AppIdTests
{
    [Theory]
    [InlineData("web", "/web")]
    [InlineData("/prod/web", "/prod/web")]
    [InlineData("//prod///web//", "/prod/web")]
    [InlineData("my.app-2/api.v1", "/my.app-2/api.v1")]
    [InlineData("0", "/0")]
    public void TryParse_ValidId_IsCanonical(string text, string expected)
    {
        Assert.True(AppId.TryParse(text, out var id, out var error), error);
        Assert.Equal(expected, id.Value);
        Assert.Equal(expected, id.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/Web")]
    [InlineData("/-web")]
    [InlineData("/web-")]
    [InlineData("/a..b")]
    [InlineData("/.web")]
    [InlineData("/a/./b")]
    [InlineData("/a/..")]
    [InlineData("/web_1")]
    [InlineData("/app/restart")]
    [InlineData("/app/versions")]
    public void TryParse_InvalidId_IsRefused(string text) => Assert.False(AppId.TryParse(text, out _, out _));

    [Fact]
    public void Segments_AreThePathsParts() => Assert.Equal(["prod", "web"], AppId.Parse("/prod/web").Segments);

    [Fact]
    public void Parse_Invalid_ThrowsFormatException() => Assert.Throws<FormatException>(() => AppId.Parse("/A"));
}
