using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;
using static Bridge.Schedulers.Jobs.Tests.Runs.Harness;

namespace Bridge.Schedulers.Jobs.Tests.Runs;

/// <summary>A run's own arguments (Chronos' <c>?arguments=</c>): how they split into words and how words are quoted
/// back; and a job without a shell refusing text that does not split.</summary>
public sealed class RunArgumentsTests
{
    private static readonly DateTimeOffset T0 = Utc(2026, 5, 4, 12);
    private readonly Harness _h = new();

    [Fact]
    public void RunNow_Refuses_Arguments_That_Do_Not_Split_For_A_Job_Without_A_Shell_But_Not_For_A_Shell()
    {
        _h.Add("""{"name": "raw", "command": "/bin/echo", "shell": false, "schedule": "R1//PT1H", "disabled": true}""", T0);
        _h.Add("""{"name": "sh", "command": "echo", "schedule": "R1//PT1H", "disabled": true}""", T0);
        var refused = _h.Scheduler.RunNow(JobName.Parse("raw"), T0, new Decisions(), "say \"hi");
        Assert.Equal((JobChangeError.InvalidArguments, "arguments has an unterminated double quote"), (refused.Error, refused.Message));
        Assert.Empty(_h.Active("raw"));
        Assert.True(_h.Scheduler.RunNow(JobName.Parse("sh"), T0, new Decisions(), "say \"hi").Succeeded); // the shell reads it
    }

    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("  lead\ttab\nline  ", new[] { "lead", "tab", "line" })]
    [InlineData("'single $HOME \\n' \"double \\\" \\\\ \\$ \\a\"", new[] { "single $HOME \\n", "double \" \\ $ \\a" })]
    [InlineData("back\\ slash \\'q\\' x\\\ny", new[] { "back slash", "'q'", "xy" })]
    [InlineData("''  \"\" a''b", new[] { "", "", "ab" })]
    [InlineData("$(date) | ; * ~", new[] { "$(date)", "|", ";", "*", "~" })]
    [InlineData("", new string[0])]
    public void TrySplit_Reads_Words_As_Sh_Does_Without_Expanding(string text, string[] words)
    {
        Assert.True(RunArguments.TrySplit(text, out var split, out var error), error);
        Assert.Equal(words, split);
    }

    [Theory]
    [InlineData("it's", "has an unterminated single quote", new[] { "its" })]
    [InlineData("say \"hi", "has an unterminated double quote", new[] { "say", "hi" })]
    [InlineData("end\\", "ends with a backslash that escapes nothing", new[] { "end" })]
    public void TrySplit_Refuses_An_Open_Quote_Or_A_Trailing_Backslash_And_Gives_Its_Best_Reading(string text, string error, string[] best)
    {
        Assert.False(RunArguments.TrySplit(text, out var words, out var why));
        Assert.Equal(error, why);
        Assert.Equal(best, words);
    }

    [Fact]
    public void Quote_Then_TrySplit_Gives_Back_Any_Words()
    {
        var random = new Random(8);
        const string alphabet = "ab Z09_-./:=@%+,'\"\\$`*;|&()<>~#!\t\n é";
        for (var i = 0; i < 2000; i++)
        {
            var words = Enumerable.Range(0, random.Next(0, 5))
                .Select(_ => new string([.. Enumerable.Range(0, random.Next(0, 8)).Select(_ => alphabet[random.Next(alphabet.Length)])]))
                .ToArray();
            var text = RunArguments.Quote(words);
            Assert.True(RunArguments.TrySplit(text, out var split, out var error), $"{text}: {error}");
            Assert.Equal(words, split);
        }
    }

    [Fact]
    public void Quote_Leaves_Plain_Words_Bare() =>
        Assert.Equal("--since=2026-05-01 /data/x 'two words' 'it'\\''s' ''", RunArguments.Quote(["--since=2026-05-01", "/data/x", "two words", "it's", ""]));
}
