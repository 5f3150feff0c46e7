using Bridge.Kernel;
using Bridge.Schedulers.Jobs.Definitions;

namespace Bridge.Schedulers.Jobs.Tests.Definitions;

/// <summary>One test per rule of the job JSON (docs/jobs.md).</summary>
public class JobJsonRuleTests
{
    private const string Schedule = "\"schedule\": \"R/2026-03-08T01:30:00Z/PT1H\"";

    /// <summary>A minimal scheduled job with extra fields spliced in.</summary>
    private static string Job(string extra = "", string when = Schedule) =>
        $$"""{ "name": "job1", "command": "true", {{when}}{{(extra.Length > 0 ? ", " + extra : "")}} }""";

    private static JobDefinition Valid(string json)
    {
        var result = JobJson.Parse(json);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Definition!;
    }

    /// <summary>Asserts the document is refused with an error on <paramref name="field"/> whose
    /// message contains <paramref name="says"/>.</summary>
    private static JobJsonError Refused(string json, string field, string says)
    {
        var result = JobJson.Parse(json);
        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        var error = Assert.Single(result.Errors, e => e.Field == field);
        Assert.Contains(says, error.Message);
        return error;
    }

    [Fact]
    public void MinimalScheduledJob_GetsChronosDefaults()
    {
        var job = Valid(Job());

        Assert.True(job.Shell);
        Assert.Equal(2, job.Retries);
        Assert.False(job.Disabled);
        Assert.Equal(ConcurrencyPolicy.Forbid, job.ConcurrencyPolicy);
        Assert.Equal(TimeSpan.FromSeconds(60), job.StartingDeadline);
        Assert.Equal(Scalar.Parse("0.1"), job.Cpus);
        Assert.Equal(Scalar.FromUnits(128), job.MemMb);
        Assert.Equal(Scalar.FromUnits(256), job.DiskMb);
        Assert.Null(job.TimeZone);
        Assert.Empty(job.Arguments);
        Assert.Equal("", job.Owner);
    }

    [Fact]
    public void MinimalCronJob_GetsMetronomeDefaults()
    {
        var job = Valid(Job(when: "\"cron\": \"0 * * * *\""));

        Assert.Equal(ConcurrencyPolicy.Allow, job.ConcurrencyPolicy);
        Assert.Equal(TimeSpan.FromSeconds(900), job.StartingDeadline);
    }

    [Fact]
    public void UnknownField_IsAnErrorNamingIt() =>
        Refused(Job("\"priority\": 3"), "priority", "unknown field");

    [Fact]
    public void UnknownField_DifferingOnlyInCase_SuggestsTheField() =>
        Refused(Job("\"Retries\": 3"), "Retries", "did you mean 'retries'?");

    [Fact]
    public void MetronomeJobField_PointsToTheChronosSpelling() =>
        Refused(Job("\"id\": \"job1\""), "id", "'name'");

    [Fact]
    public void FieldGivenTwice_IsAnError() =>
        Refused("""{ "name": "a", "name": "b", "command": "true", "schedule": "R//PT1H" }""", "name", "given twice");

    [Fact]
    public void NotAnObject_IsAnError() => Refused("[1, 2]", "", "a job is a JSON object");

    [Fact]
    public void MalformedJson_IsAnErrorWithThePosition() => Refused("{ \"name\": ", "", "not valid JSON");

    [Fact]
    public void Name_IsRequired() =>
        Refused("""{ "command": "true", "schedule": "R//PT1H" }""", "name", "is required");

    [Theory]
    [InlineData("my job", "\\u0020")]
    [InlineData("a#b", "'#'")]
    [InlineData("a/b", "'/'")]
    public void Name_OutsideChronosRule_IsAnErrorNamingTheCharacter(string name, string says) =>
        Refused($$"""{ "name": "{{name}}", "command": "true", "schedule": "R//PT1H" }""", "name", says);

    [Fact]
    public void Command_IsRequired() =>
        Refused("""{ "name": "a", "schedule": "R//PT1H" }""", "command", "is required");

    [Fact]
    public void Command_Empty_IsAnError() =>
        Refused("""{ "name": "a", "command": "", "schedule": "R//PT1H" }""", "command", "must not be empty");

    [Fact]
    public void NoScheduleCronOrParents_IsAnError() =>
        Refused("""{ "name": "a", "command": "true" }""", "schedule", "needs one of");

    [Fact]
    public void ScheduleAndParents_IsAnError() =>
        Refused(Job("\"parents\": [\"p\"]"), "parents", "exactly one of");

    [Fact]
    public void ScheduleAndCron_IsAnError() =>
        Refused(Job("\"cron\": \"* * * * *\""), "cron", "exactly one of");

    [Fact]
    public void EmptyParents_IsAnError() =>
        Refused(Job(when: "\"parents\": []"), "parents", "needs one of");

    [Fact]
    public void Schedule_Invalid_IsAnErrorNamingThePart() =>
        Refused(Job(when: "\"schedule\": \"R5/2026-03-08T01:30:00Z/1H\""), "schedule", "the period");

    [Fact]
    public void Schedule_StartInsideTheSpringGapOfItsZone_IsAnError() =>
        Refused(Job("\"scheduleTimeZone\": \"Europe/Berlin\"", "\"schedule\": \"R/2026-03-29T02:30:00/P1D\""),
            "schedule", "does not exist in Europe/Berlin");

    [Fact]
    public void Cron_Invalid_IsAnErrorOnCron() =>
        Refused(Job(when: "\"cron\": \"61 * * * *\""), "cron", "minute field");

    [Fact]
    public void TimeZone_NotIana_IsAnError() =>
        Refused(Job("\"scheduleTimeZone\": \"PST\""), "scheduleTimeZone", "not an IANA time zone");

    [Fact]
    public void TimeZone_BothSpellings_IsAnError() =>
        Refused(Job("\"scheduleTimeZone\": \"UTC\", \"timezone\": \"UTC\""), "timezone", "mean the same");

    [Fact]
    public void TimeZone_OnADependentJob_IsAnError() =>
        Refused(Job("\"scheduleTimeZone\": \"UTC\"", "\"parents\": [\"p\"]"), "scheduleTimeZone", "dependent job");

    [Fact]
    public void TimeZone_EmptyAsChronosWritesIt_IsAbsent() =>
        Assert.Null(Valid(Job("\"scheduleTimeZone\": \"\"")).TimeZone);

    [Fact]
    public void Epsilon_AndStartingDeadlineSeconds_IsAnError() =>
        Refused(Job("\"epsilon\": \"PT1M\", \"startingDeadlineSeconds\": 60"), "startingDeadlineSeconds", "give one of them");

    [Fact]
    public void StartingDeadlineSeconds_SetsTheDeadlineOfAChronosJob() =>
        Assert.Equal(TimeSpan.FromSeconds(120), Valid(Job("\"startingDeadlineSeconds\": 120")).StartingDeadline);

    [Fact]
    public void Epsilon_SetsTheDeadlineOfACronJob() =>
        Assert.Equal(TimeSpan.FromMinutes(5), Valid(Job("\"epsilon\": \"PT5M\"", "\"cron\": \"* * * * *\"")).StartingDeadline);

    [Theory]
    [InlineData("P1M", "years or months")]
    [InlineData("PT0.5S", "whole seconds")]
    [InlineData("PT0S", "whole seconds")]
    [InlineData("15M", "must start with P")]
    public void Epsilon_NotAFixedWholeSecondDuration_IsAnError(string epsilon, string says) =>
        Refused(Job($"\"epsilon\": \"{epsilon}\""), "epsilon", says);

    [Fact]
    public void StartingDeadlineSeconds_Zero_IsAnError() =>
        Refused(Job("\"startingDeadlineSeconds\": 0"), "startingDeadlineSeconds", "at least 1");

    [Fact]
    public void Concurrent_AndConcurrencyPolicy_IsAnError() =>
        Refused(Job("\"concurrent\": true, \"concurrencyPolicy\": \"ALLOW\""), "concurrencyPolicy", "give one of them");

    [Theory]
    [InlineData("\"concurrent\": true", ConcurrencyPolicy.Allow)]
    [InlineData("\"concurrent\": false", ConcurrencyPolicy.Forbid)]
    [InlineData("\"concurrencyPolicy\": \"ALLOW\"", ConcurrencyPolicy.Allow)]
    [InlineData("\"concurrencyPolicy\": \"FORBID\"", ConcurrencyPolicy.Forbid)]
    public void ConcurrentAndConcurrencyPolicy_HaveOneMeaning(string field, ConcurrencyPolicy expected) =>
        Assert.Equal(expected, Valid(Job(field)).ConcurrencyPolicy);

    [Fact]
    public void ConcurrencyPolicy_NotAllowOrForbid_IsAnError() =>
        Refused(Job("\"concurrencyPolicy\": \"REPLACE\""), "concurrencyPolicy", "not ALLOW or FORBID");

    [Fact]
    public void Disabled_AndEnabled_IsAnError() =>
        Refused(Job("\"disabled\": true, \"enabled\": true"), "enabled", "give one of them");

    [Fact]
    public void Enabled_False_DisablesTheJob() => Assert.True(Valid(Job("\"enabled\": false")).Disabled);

    [Fact]
    public void Arguments_WithShellTrue_IsAnError() =>
        Refused(Job("\"arguments\": [\"-v\"]"), "arguments", "set \"shell\": false");

    [Fact]
    public void Arguments_NotStrings_IsAnErrorOnTheItem() =>
        Refused(Job("\"shell\": false, \"arguments\": [\"-v\", 2]"), "arguments[1]", "must be a string");

    [Fact]
    public void Retries_Negative_IsAnError() => Refused(Job("\"retries\": -1"), "retries", "at least 0");

    [Fact]
    public void Retries_AsString_IsAnError() => Refused(Job("\"retries\": \"2\""), "retries", "whole number");

    [Fact]
    public void Shell_NotABoolean_IsAnError() => Refused(Job("\"shell\": \"yes\""), "shell", "true or false");

    [Fact]
    public void Resources_AsStrings_AreAccepted()
    {
        var job = Valid(Job("\"cpus\": \"1.5\", \"mem\": \"2048\", \"disk\": 512"));

        Assert.Equal(Scalar.Parse("1.5"), job.Cpus);
        Assert.Equal(Scalar.FromUnits(2048), job.MemMb);
        Assert.Equal(Scalar.FromUnits(512), job.DiskMb);
    }

    [Fact]
    public void Resources_Zero_MeanTheDefaultAsInChronos() =>
        Assert.Equal(JobDefaults.Cpus, Valid(Job("\"cpus\": 0")).Cpus);

    [Fact]
    public void Resources_Negative_IsAnError() => Refused(Job("\"mem\": -1"), "mem", "non-negative number");

    [Fact]
    public void Null_IsTheSameAsAbsent() =>
        Assert.Equal(2, Valid(Job("\"retries\": null, \"owner\": null, \"arguments\": null")).Retries);

    [Fact]
    public void EnvironmentVariable_WithoutValue_IsAnErrorOnTheItem() =>
        Refused(Job("\"environmentVariables\": [{ \"name\": \"A\" }]"), "environmentVariables[0].value", "is required");

    [Fact]
    public void EnvironmentVariable_SetTwice_IsAnError() =>
        Refused(Job("\"environmentVariables\": [{ \"name\": \"A\", \"value\": \"1\" }, { \"name\": \"A\", \"value\": \"2\" }]"),
            "environmentVariables[1].name", "set twice");

    [Fact]
    public void EnvironmentVariable_UnknownField_IsAnError() =>
        Refused(Job("\"environmentVariables\": [{ \"name\": \"A\", \"value\": \"1\", \"secret\": \"s\" }]"),
            "environmentVariables[0].secret", "unknown field");

    [Fact]
    public void Constraints_AreParsed() =>
        Assert.Equal(
            [new JobConstraint("rack", ConstraintOperator.Equal, "rack-1"), new JobConstraint("rack", ConstraintOperator.Like, "rack-[1-3]")],
            Valid(Job("\"constraints\": [[\"rack\", \"EQUALS\", \"rack-1\"], [\"rack\", \"LIKE\", \"rack-[1-3]\"]]")).Constraints);

    [Fact]
    public void Constraint_UnknownOperator_IsAnErrorOnTheOperator() =>
        Refused(Job("\"constraints\": [[\"rack\", \"UNIQUE\", \"x\"]]"), "constraints[0][1]", "EQUALS, LIKE, UNLIKE");

    [Fact]
    public void Constraint_LikeWithBadRegex_IsAnErrorOnTheValue() =>
        Refused(Job("\"constraints\": [[\"rack\", \"LIKE\", \"rack-[1-\"]]"), "constraints[0][2]", "not a regular expression");

    [Fact]
    public void Constraint_NotThreeStrings_IsAnError() =>
        Refused(Job("\"constraints\": [[\"rack\", \"EQUALS\"]]"), "constraints[0]", "three strings");

    [Fact]
    public void UrisAndFetch_IsAnError() =>
        Refused(Job("\"uris\": [\"http://a/x\"], \"fetch\": [{ \"uri\": \"http://a/y\" }]"), "uris", "cannot both be given");

    [Fact]
    public void Uris_BecomeFetchItemsWithTheDefaults() =>
        Assert.Equal([new FetchUri("http://a/x.tgz", Executable: false, Cache: false, Extract: true)],
            Valid(Job("\"uris\": [\"http://a/x.tgz\"]")).Fetch);

    [Fact]
    public void Fetch_WithoutUri_IsAnError() =>
        Refused(Job("\"fetch\": [{ \"cache\": true }]"), "fetch[0].uri", "is required");

    [Fact]
    public void Parents_ListedTwice_IsAnError() =>
        Refused(Job(when: "\"parents\": [\"a\", \"b\", \"a\"]"), "parents[2]", "listed twice");

    [Fact]
    public void Parents_InvalidName_IsAnError() =>
        Refused(Job(when: "\"parents\": [\"a b\"]"), "parents[0]", "not a valid job name");

    [Fact]
    public void Parents_AreSorted() =>
        Assert.Equal(["a", "b"], Valid(Job(when: "\"parents\": [\"b\", \"a\"]")).Parents.Select(p => p.Value));

    [Theory]
    [InlineData("\"executor\": \"\"")]
    [InlineData("\"highPriority\": false")]
    [InlineData("\"runAsUser\": \"\"")]
    [InlineData("\"maxCompletionTime\": 0")]
    [InlineData("\"container\": null")]
    public void UnsupportedField_WithTheValueThatAsksForNothing_IsNotListed(string field) =>
        Assert.Empty(JobJson.Parse(Job(field)).Unsupported);

    [Theory]
    [InlineData("\"executor\": \"/usr/bin/my-executor\"", "executor")]
    [InlineData("\"highPriority\": true", "highPriority")]
    [InlineData("\"runAsUser\": \"root\"", "runAsUser")]
    [InlineData("\"softError\": true", "softError")]
    [InlineData("\"dataProcessingJobType\": true", "dataProcessingJobType")]
    [InlineData("\"maxCompletionTime\": 60", "maxCompletionTime")]
    [InlineData("\"container\": { \"type\": \"DOCKER\", \"image\": \"x\" }", "container")]
    public void UnsupportedField_ThatAsksForSomething_IsAcceptedAndListedWithAReason(string field, string name)
    {
        var result = JobJson.Parse(Job(field));

        Assert.True(result.IsValid);
        var unsupported = Assert.Single(result.Unsupported);
        Assert.Equal(name, unsupported.Field);
        Assert.NotEmpty(unsupported.Reason);
    }

    [Fact]
    public void StatusField_Invalid_IsAnError() =>
        Refused(Job("\"lastSuccess\": \"yesterday\""), "lastSuccess", "not an ISO 8601 date-time");

    [Fact]
    public void StatusFields_AreNotPartOfTheDefinition()
    {
        var withStatus = JobJson.Parse(Job("\"successCount\": 5, \"lastSuccess\": \"2026-01-01T00:00:00Z\""));

        Assert.Equal(Valid(Job()), withStatus.Definition);
        Assert.Equal(5, withStatus.Status!.SuccessCount);
    }

    [Fact]
    public void EveryError_IsReported_NotJustTheFirst()
    {
        var result = JobJson.Parse("""{ "name": "a b", "retries": -2, "shell": 1, "colour": "red" }""");

        Assert.Equal(["colour", "command", "name", "retries", "schedule", "shell"], result.Errors.Select(e => e.Field).Order());
    }
}
