using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Yarn.Applications.TraceAnalytics;

namespace Bridge.Yarn.Applications.MapReduce;

/// <summary>
/// A map/reduce job's settings, under Hadoop's property names (what its <c>job.xml</c> would carry; a submitter
/// sets them from <c>-D key=value</c> with <see cref="TrySet"/>). Defaults are Hadoop's <c>mapred-default.xml</c>.
/// </summary>
public sealed record MapReduceSettings
{
    /// <summary><c>mapreduce.map.memory.mb</c>: MB per map container (default 1024).</summary>
    [JsonPropertyName("mapreduce.map.memory.mb")]
    public int MapMemoryMb { get; init; } = 1024;

    /// <summary><c>mapreduce.map.cpu.vcores</c>: vcores per map container (default 1).</summary>
    [JsonPropertyName("mapreduce.map.cpu.vcores")]
    public int MapVCores { get; init; } = 1;

    /// <summary><c>mapreduce.reduce.memory.mb</c>: MB per reduce (and job-commit) container (default 1024).</summary>
    [JsonPropertyName("mapreduce.reduce.memory.mb")]
    public int ReduceMemoryMb { get; init; } = 1024;

    /// <summary><c>mapreduce.reduce.cpu.vcores</c>: vcores per reduce (and job-commit) container (default 1).</summary>
    [JsonPropertyName("mapreduce.reduce.cpu.vcores")]
    public int ReduceVCores { get; init; } = 1;

    /// <summary><c>mapreduce.map.maxattempts</c>: failed attempts after which a map task, and so the job, fails (default 4).</summary>
    [JsonPropertyName("mapreduce.map.maxattempts")]
    public int MapMaxAttempts { get; init; } = 4;

    /// <summary><c>mapreduce.reduce.maxattempts</c>: failed attempts after which a reduce task, and so the job, fails (default 4).</summary>
    [JsonPropertyName("mapreduce.reduce.maxattempts")]
    public int ReduceMaxAttempts { get; init; } = 4;

    /// <summary>The property names <see cref="TrySet"/> knows.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "mapreduce.map.memory.mb", "mapreduce.map.cpu.vcores", "mapreduce.reduce.memory.mb",
        "mapreduce.reduce.cpu.vcores", "mapreduce.map.maxattempts", "mapreduce.reduce.maxattempts",
    ];

    /// <summary>These settings with property <paramref name="key"/> set to <paramref name="value"/> (an integer of at least 1).</summary>
    /// <returns>False with an error naming the property when it is unknown or the value is not an integer of at least 1.</returns>
    public bool TrySet(string key, string value, out MapReduceSettings settings, out string? error)
    {
        settings = this;
        error = null;
        if (!Keys.Contains(key))
        {
            error = $"-D {key}: unknown property (known: {string.Join(", ", Keys)})";
            return false;
        }
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
        {
            error = $"-D {key}={value}: expected an integer of at least 1";
            return false;
        }
        settings = key switch
        {
            "mapreduce.map.memory.mb" => this with { MapMemoryMb = n },
            "mapreduce.map.cpu.vcores" => this with { MapVCores = n },
            "mapreduce.reduce.memory.mb" => this with { ReduceMemoryMb = n },
            "mapreduce.reduce.cpu.vcores" => this with { ReduceVCores = n },
            "mapreduce.map.maxattempts" => this with { MapMaxAttempts = n },
            _ => this with { ReduceMaxAttempts = n },
        };
        return true;
    }
}

/// <summary>
/// A submitted map/reduce job, as its job directory's <c>job.json</c> holds it (the role of Hadoop's staging
/// directory with <c>job.xml</c> and <c>job.split</c>): which application, where input and output are, one
/// input piece per map, the reduce count and the settings. Written by the submitter after planning (so the
/// output check happens before submission, as Hadoop's <c>checkOutputSpecs</c>), read by the master and by
/// every task container.
/// </summary>
public sealed record MapReduceJob
{
    /// <summary>The word-count application's name: <c>wordcount</c>.</summary>
    public const string WordCountApplication = "wordcount";

    /// <summary>The trace-analytics application's name: <c>trace-analytics</c>.</summary>
    public const string TraceAnalyticsApplication = "trace-analytics";

    /// <summary><see cref="WordCountApplication"/> or <see cref="TraceAnalyticsApplication"/>.</summary>
    public required string Application { get; init; }

    /// <summary>The input path as given (a file or a directory).</summary>
    public required string Input { get; init; }

    /// <summary>The output directory (full path), set up at submission.</summary>
    public required string Output { get; init; }

    /// <summary>Where maps write their runs: <c>OUTPUT/_temporary/map-outputs</c>.</summary>
    public required string IntermediateDirectory { get; init; }

    /// <summary>Reduce tasks (at least 1).</summary>
    public required int Reduces { get; init; }

    /// <summary>Word count: one split per map.</summary>
    public IReadOnlyList<FileSplit> Splits { get; init; } = [];

    /// <summary>Trace analytics: one row range per map.</summary>
    public IReadOnlyList<RowRange> Ranges { get; init; } = [];

    /// <summary>Container sizes and attempt limits.</summary>
    public MapReduceSettings Settings { get; init; } = new();

    /// <summary>Map tasks: the splits or the row ranges.</summary>
    [JsonIgnore]
    public int Maps => Application == TraceAnalyticsApplication ? Ranges.Count : Splits.Count;
}

/// <summary>Reads and writes a job directory's <c>job.json</c> (UTF-8 JSON, camelCase names, Hadoop property names for settings).</summary>
public static class MapReduceJobFile
{
    /// <summary>The file's name in the job directory: <c>job.json</c>.</summary>
    public const string FileName = "job.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Writes <paramref name="job"/> to <c>DIR/job.json</c> (the directory created when missing), through a temporary file and a rename.</summary>
    /// <returns>The file's path.</returns>
    public static string Write(string jobDirectory, MapReduceJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        Directory.CreateDirectory(jobDirectory);
        string path = Path.Combine(jobDirectory, FileName);
        string temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(job, Json));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        return path;
    }

    /// <summary>
    /// Reads <c>DIR/job.json</c>. Fails as a value, the error naming the file, when it is missing, is not the
    /// JSON above, names an unknown application, has fewer than 1 reduce, or settings below 1.
    /// </summary>
    public static bool TryRead(string jobDirectory, out MapReduceJob? job, out string? error)
    {
        ArgumentNullException.ThrowIfNull(jobDirectory);
        job = null;
        string path = Path.Combine(Path.GetFullPath(jobDirectory), FileName);
        if (!File.Exists(path))
        {
            error = $"{path} does not exist";
            return false;
        }
        try
        {
            job = JsonSerializer.Deserialize<MapReduceJob>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            error = $"{path}: {e.Message}";
            return false;
        }
        error = job switch
        {
            null => $"{path}: empty",
            { Application: not (MapReduceJob.WordCountApplication or MapReduceJob.TraceAnalyticsApplication) } =>
                $"{path}: application '{job.Application}' is neither {MapReduceJob.WordCountApplication} nor {MapReduceJob.TraceAnalyticsApplication}",
            { Reduces: < 1 } => $"{path}: reduces {job.Reduces} is below 1",
            { Settings: var s } when Math.Min(Math.Min(s.MapMemoryMb, s.MapVCores), Math.Min(Math.Min(s.ReduceMemoryMb, s.ReduceVCores), Math.Min(s.MapMaxAttempts, s.ReduceMaxAttempts))) < 1 =>
                $"{path}: a setting is below 1",
            _ => null,
        };
        if (error is null) return true;
        job = null;
        return false;
    }
}
