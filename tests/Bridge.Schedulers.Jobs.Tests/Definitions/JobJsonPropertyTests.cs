using System.Text.Json.Nodes;
using Bridge.Schedulers.Jobs.Definitions;

namespace Bridge.Schedulers.Jobs.Tests.Definitions;

/// <summary>Seeded random edits of the documented samples: Parse never throws, every refusal
/// names a field or the document, and every accepted job writes and reads back equal.</summary>
public class JobJsonPropertyTests
{
    private static readonly string[] SampleTexts =
    [
        Samples.ChronosScheduledJob, Samples.ChronosDependentJob, Samples.ChronosDockerJob,
        Samples.ChronosSampleJob, Samples.MetronomeCronJob,
    ];

    private static readonly Func<Random, JsonNode?>[] Values =
    [
        _ => null, _ => JsonValue.Create(true), _ => JsonValue.Create(false), r => JsonValue.Create(r.Next(-5, 5000)),
        r => JsonValue.Create(r.NextDouble() * 10), _ => JsonValue.Create(""), _ => JsonValue.Create("PT5M"),
        _ => JsonValue.Create("R/2026-03-29T02:30:00/P1D"), _ => JsonValue.Create("*/5 * * * *"), _ => JsonValue.Create("Europe/Berlin"),
        _ => JsonValue.Create("FORBID"), _ => JsonValue.Create("a b"), _ => new JsonArray(), _ => new JsonArray("x", "y"),
        _ => new JsonArray(new JsonArray("rack", "LIKE", "r[")), _ => new JsonObject { ["name"] = "A", ["value"] = "1" },
    ];

    private static readonly string[] Fields =
    [
        "name", "command", "arguments", "shell", "schedule", "scheduleTimeZone", "parents", "epsilon", "retries", "disabled",
        "concurrent", "cpus", "mem", "disk", "environmentVariables", "constraints", "owner", "uris", "fetch", "cron",
        "timezone", "concurrencyPolicy", "startingDeadlineSeconds", "enabled", "async", "container", "lastSuccess", "bogus",
    ];

    [Fact]
    public void RandomEdits_NeverThrow_AndAcceptedJobsRoundTrip()
    {
        var random = new Random(88);
        int accepted = 0;
        for (int i = 0; i < 3000; i++)
        {
            var job = JsonNode.Parse(SampleTexts[random.Next(SampleTexts.Length)])!.AsObject();
            for (int edits = random.Next(1, 4); edits > 0; edits--)
            {
                var field = Fields[random.Next(Fields.Length)];
                if (random.Next(4) == 0) job.Remove(field);
                else job[field] = Values[random.Next(Values.Length)](random);
            }

            var result = JobJson.Parse(job.ToJsonString());

            if (!result.IsValid)
            {
                Assert.NotEmpty(result.Errors);
                continue;
            }
            accepted++;
            var again = JobJson.Parse(JobJson.Write(result.Definition!, result.Status));
            Assert.Equal(result.Definition, again.Definition);
        }
        Assert.InRange(accepted, 100, 2900); // both outcomes are exercised
    }
}
