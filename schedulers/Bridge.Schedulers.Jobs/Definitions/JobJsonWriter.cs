using System.Globalization;
using System.Text.Json;
using Bridge.Kernel;
using Bridge.Schedulers.Jobs.Schedules;

namespace Bridge.Schedulers.Jobs.Definitions;

/// <summary>
/// Writes a job in the order and shape of Chronos' <c>JobSerializer</c>. Fields Bridge does not
/// honour are written with the values that ask for nothing (<c>executor: ""</c>,
/// <c>highPriority: false</c>), so Chronos clients find every field they expect and parsing the
/// output lists nothing as unsupported.
/// </summary>
internal static class JobJsonWriter
{
    public static void Write(Utf8JsonWriter w, JobDefinition job, JobStatus status)
    {
        bool metronome = job.Kind == JobKind.Cron;
        w.WriteStartObject();
        w.WriteString("name", job.Name.Value);
        w.WriteString("command", job.Command);
        w.WriteBoolean("shell", job.Shell);
        if (!metronome) w.WriteString("epsilon", IsoDuration.FromSeconds((long)job.StartingDeadline.TotalSeconds).ToString());
        w.WriteString("executor", "");
        w.WriteString("executorFlags", "");
        w.WriteString("taskInfoData", "");
        w.WriteNumber("retries", job.Retries);
        w.WriteString("owner", job.Owner);
        w.WriteString("ownerName", job.OwnerName);
        w.WriteString("description", job.Description);
        w.WriteNumber("successCount", status.SuccessCount);
        w.WriteNumber("errorCount", status.ErrorCount);
        w.WriteString("lastSuccess", Instant(status.LastSuccess));
        w.WriteString("lastError", Instant(status.LastError));
        Number(w, "cpus", job.Cpus);
        Number(w, "disk", job.DiskMb);
        Number(w, "mem", job.MemMb);
        w.WriteBoolean("disabled", job.Disabled);
        w.WriteBoolean("softError", false);
        w.WriteBoolean("dataProcessingJobType", false);
        w.WriteNumber("errorsSinceLastSuccess", status.ErrorsSinceLastSuccess);
        WriteFetch(w, job);
        w.WriteStartArray("uris");
        w.WriteEndArray();
        w.WriteStartArray("environmentVariables");
        foreach (var variable in job.EnvironmentVariables)
        {
            w.WriteStartObject();
            w.WriteString("name", variable.Name);
            w.WriteString("value", variable.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Strings(w, "arguments", job.Arguments);
        w.WriteBoolean("highPriority", false);
        w.WriteString("runAsUser", "");
        if (!metronome) w.WriteBoolean("concurrent", job.ConcurrencyPolicy == ConcurrencyPolicy.Allow);
        w.WriteNumber("maxCompletionTime", 0);
        w.WriteStartArray("constraints");
        foreach (var c in job.Constraints)
        {
            w.WriteStartArray();
            w.WriteStringValue(c.Attribute);
            w.WriteStringValue(c.OperatorText);
            w.WriteStringValue(c.Value);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        WriteWhen(w, job);
        w.WriteEndObject();
    }

    private static void WriteWhen(Utf8JsonWriter w, JobDefinition job)
    {
        switch (job.Kind)
        {
            case JobKind.Dependent:
                Strings(w, "parents", job.Parents.Select(p => p.Value));
                break;
            case JobKind.Scheduled:
                w.WriteString("schedule", job.Schedule!.ToString());
                w.WriteString("scheduleTimeZone", job.TimeZone ?? "");
                break;
            default:
                // Metronome's spellings for a cron job, so the job reads back the same.
                w.WriteString("cron", job.Cron!.Text);
                w.WriteString("timezone", job.TimeZone ?? "");
                w.WriteString("concurrencyPolicy", job.ConcurrencyPolicy == ConcurrencyPolicy.Allow ? "ALLOW" : "FORBID");
                w.WriteNumber("startingDeadlineSeconds", (long)job.StartingDeadline.TotalSeconds);
                break;
        }
    }

    private static void WriteFetch(Utf8JsonWriter w, JobDefinition job)
    {
        w.WriteStartArray("fetch");
        foreach (var f in job.Fetch)
        {
            w.WriteStartObject();
            w.WriteString("uri", f.Uri);
            w.WriteBoolean("executable", f.Executable);
            w.WriteBoolean("cache", f.Cache);
            w.WriteBoolean("extract", f.Extract);
            if (f.OutputFile is not null) w.WriteString("output_file", f.OutputFile);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    // Exact decimal text (0.1, 128, 0.125) rather than a double's.
    private static void Number(Utf8JsonWriter w, string name, Scalar value)
    {
        w.WritePropertyName(name);
        w.WriteRawValue(value.ToString(), skipInputValidation: true);
    }

    // Joda's ISO format in UTC, as Chronos writes dates: 2014-03-08T16:57:17.507Z; "" for none.
    private static string Instant(DateTimeOffset? t) =>
        t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "";
}
