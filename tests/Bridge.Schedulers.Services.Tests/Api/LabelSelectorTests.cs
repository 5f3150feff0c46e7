using Bridge.Schedulers.Services.Api.Internal;
using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Tests.Api;

/// <summary>Marathon's label selector queries (<c>GET /v2/apps?label=...</c>), including its own examples.</summary>
public sealed class LabelSelectorTests
{
    private static readonly ValueMap Labels = ValueMap.Of(("environment", "production"), ("tier", "backend"), ("partition", ""),
        ("!!!", "&&&"), ("a", "t2"), ("b", "t9"), ("c", "x"), ("d", "y"));

    [Theory]
    [InlineData("", true)]
    [InlineData("environment", true)]
    [InlineData("missing", false)]
    [InlineData("environment==production", true)]
    [InlineData("environment == production", true)]
    [InlineData("environment==qa", false)]
    [InlineData("environment!=qa", true)]
    [InlineData("missing!=qa", false)] // every selector needs the label
    [InlineData("environment in (production, qa)", true)]
    [InlineData("environment in (qa)", false)]
    [InlineData("tier notin (frontend, backend)", false)]
    [InlineData("tier notin (frontend)", true)]
    [InlineData("partition", true)]
    [InlineData(@"\!\!\! in (\-\-\-, \&\&\&, \+\+\+)", true)]
    [InlineData("a in (t1, t2, t3), b notin (t1), c, d", true)]
    [InlineData("a in (t1, t2, t3), b in (t1), c, d", false)]
    [InlineData("environment==production,tier==backend", true)]
    [InlineData("in", false)] // a label called "in"
    public void A_Query_Selects_Apps_By_Their_Labels(string query, bool matches)
    {
        Assert.True(LabelSelector.TryParse(query, out var selector, out var error), error);
        Assert.Equal(matches, selector.Matches(Labels));
    }

    [Theory]
    [InlineData("tier in (a")]
    [InlineData("tier ==")]
    [InlineData("tier == a b")]
    [InlineData(",")]
    [InlineData("ti*er")]
    public void A_Malformed_Query_Is_Refused_With_Marathons_Message(string query)
    {
        Assert.False(LabelSelector.TryParse(query, out _, out var error));
        Assert.StartsWith($"Can not parse label selector {query}. Reason: ", error);
    }
}
