using System.Text;
using System.Text.Json;
using Bridge.Schedulers.Hosting;

namespace Bridge.Schedulers.Jobs.Definitions;

/// <summary>A field of a job's JSON that is wrong, and why.</summary>
/// <param name="Field">The field's path: <c>name</c>, <c>environmentVariables[1].name</c>,
/// <c>constraints[0][1]</c>; empty for the document itself.</param>
/// <param name="Message">What is wrong and what is accepted.</param>
public sealed record JobJsonError(string Field, string Message)
{
    /// <summary><c>field: message</c>.</summary>
    public override string ToString() => Field.Length == 0 ? Message : $"{Field}: {Message}";
}

/// <summary>A Chronos field that was accepted but asks for something Bridge does not do.</summary>
/// <param name="Field">The field name (e.g. <c>container</c>).</param>
/// <param name="Reason">What is not done, and what happens instead.</param>
public sealed record UnsupportedField(string Field, string Reason);

/// <summary>What <see cref="JobJson.Parse(string)"/> made of a job's JSON.</summary>
/// <param name="Definition">The job, or null when there are errors.</param>
/// <param name="Errors">Every error found, in document order then cross-field rules; empty when
/// <see cref="Definition"/> is set.</param>
/// <param name="Unsupported">Chronos fields accepted but not honoured, with the reason; only
/// those whose value asks for something (an empty <c>executor</c> or <c>highPriority: false</c>
/// asks for nothing and is not listed).</param>
/// <param name="Status">The status fields the document carried (<c>successCount</c>,
/// <c>lastSuccess</c>, ...), as Chronos' own GET output does; null when it carried none. The
/// scheduler keeps status itself and decides whether to import these.</param>
public sealed record JobJsonResult(
    JobDefinition? Definition, ValueList<JobJsonError> Errors, ValueList<UnsupportedField> Unsupported, JobStatus? Status)
{
    /// <summary>True when the document is a valid job.</summary>
    public bool IsValid => Definition is not null;
}

/// <summary>
/// Chronos' job JSON, with Metronome's cron fields: strict parsing into a <see cref="JobDefinition"/>
/// and writing in the shape <c>GET /v1/scheduler/jobs</c> returns per job.
/// </summary>
/// <remarks>Every field, default and rule is in docs/jobs.md. Unknown fields are errors; Chronos
/// fields Bridge cannot honour are accepted and reported in <see cref="JobJsonResult.Unsupported"/>.</remarks>
public static class JobJson
{
    /// <summary>Parses one job.</summary>
    /// <param name="json">The JSON document: one object.</param>
    /// <returns>The job, or every error found, naming the field. Malformed JSON is one error at
    /// the document level with the position.</returns>
    public static JobJsonResult Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            return Parse(document.RootElement);
        }
        catch (JsonException e)
        {
            return Malformed(e);
        }
    }

    /// <summary>Parses one job from UTF-8 bytes; see <see cref="Parse(string)"/>.</summary>
    public static JobJsonResult Parse(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 32 });
            return Parse(document.RootElement);
        }
        catch (JsonException e)
        {
            return Malformed(e);
        }
    }

    /// <summary>Parses one job from a parsed element (a request body already read).</summary>
    public static JobJsonResult Parse(JsonElement job) => new JobJsonReader().Read(job);

    private static JobJsonResult Malformed(JsonException e) =>
        new(null, [new JobJsonError("", $"not valid JSON: {e.Message}")], ValueList<UnsupportedField>.Empty, null);

    /// <summary>
    /// Writes a job as Chronos' <c>GET /v1/scheduler/jobs</c> does, one compact object.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="status">The run statistics to write; null writes Chronos' values for a job
    /// that never ran (counts 0, dates empty).</param>
    /// <returns>UTF-8 JSON text. Parsing it gives back an equal job.</returns>
    public static string Write(JobDefinition job, JobStatus? status = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) Write(writer, job, status);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes a job into a writer (for lists of jobs); see <see cref="Write(JobDefinition, JobStatus?)"/>.</summary>
    public static void Write(Utf8JsonWriter writer, JobDefinition job, JobStatus? status = null) =>
        JobJsonWriter.Write(writer, job, status ?? new JobStatus());
}
