using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Tests.Definitions;

/// <summary>The sample files (see Samples/SOURCES.md) and small helpers to read JSON in tests.</summary>
internal static class Samples
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Definitions", "Samples");

    public static string Text(string name) => File.ReadAllText(Path.Combine(Dir, name));

    public static IEnumerable<string> Names(string prefix) =>
        Directory.GetFiles(Dir, prefix + "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    /// <summary>Parses and asserts the definition is valid (showing the failure when it is not).</summary>
    public static AppDefinition Valid(string json, AppJsonOptions? options = null)
    {
        var result = AppJson.Parse(json, options);
        Assert.True(result.IsValid, result.Failure?.ToJson());
        return result.App;
    }

    /// <summary>Parses and asserts the definition is refused with <paramref name="error"/> at <paramref name="path"/>.</summary>
    public static AppJsonFailure Invalid(string json, string path, string error)
    {
        var result = AppJson.Parse(json);
        Assert.False(result.IsValid, $"expected '{error}' at {path}, but the definition was accepted");
        var detail = result.Failure.Details.FirstOrDefault(d => d.Path == path);
        Assert.True(detail is not null, $"expected an error at {path}; got {result.Failure.ToJson()}");
        Assert.True(detail.Errors.Any(e => e.Contains(error, StringComparison.Ordinal)), $"expected '{error}' at {path}; got {result.Failure.ToJson()}");
        return result.Failure;
    }

    /// <summary>A minimal valid app with <paramref name="fields"/> (JSON members, without braces) added.</summary>
    public static string App(string fields = "") =>
        "{\"id\": \"/web\", \"cmd\": \"sleep 10\"" + (fields.Length > 0 ? ", " + fields : "") + "}";
}
