using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Definitions.Internal;

namespace Bridge.Schedulers.Services.Definitions;

/// <summary>
/// Marathon's app JSON (<c>POST /v2/apps</c>, <c>PUT</c> and <c>PATCH /v2/apps/{id}</c>, <c>GET</c>):
/// read strictly, write canonically. Reading never throws for bad input: it returns an
/// <see cref="AppJsonResult"/> with the definition, or every problem found with its path in
/// Marathon's 422 shape. Strict means: every field typed and range-checked (<c>"cpus": "1"</c> and
/// <c>"instances": -1</c> are errors); unknown fields are errors naming the field; Marathon fields the
/// scheduler cannot honour (<c>container</c>, <c>networks</c>, <c>secrets</c>, ...) are accepted and listed
/// in <see cref="AppJsonResult.Unsupported"/>; read-only fields of Marathon's GET (<c>version</c>,
/// <c>tasksRunning</c>, ...) are ignored; a JSON <c>null</c> means "not given", as in Marathon.
/// Source: Marathon 1.10's RAML types and validation (docs/docs/rest-api/public/api/v2/types/app.raml,
/// api/v2/validation/AppValidation.scala, SchedulingValidation.scala, AppNormalization.scala);
/// docs/services.md lists the fields, defaults and differences.
/// </summary>
public static class AppJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>Reads a definition from JSON text.</summary>
    /// <param name="json">The request body.</param>
    /// <param name="options">Default role, allowed roles, the id from the path (default: <see cref="AppJsonOptions.Default"/>).</param>
    public static AppJsonResult Parse(string json, AppJsonOptions? options = null) => Parse(Encoding.UTF8.GetBytes(json), options);

    /// <summary>Reads a definition from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The request body.</param>
    /// <param name="options">Default role, allowed roles, the id from the path (default: <see cref="AppJsonOptions.Default"/>).</param>
    public static AppJsonResult Parse(ReadOnlyMemory<byte> utf8Json, AppJsonOptions? options = null)
    {
        if (!TryParseDocument(utf8Json, out var document, out var failure)) return failure;
        using (document) return AppReader.Read(document.RootElement, options ?? AppJsonOptions.Default);
    }

    /// <summary>
    /// Applies a partial definition (<c>PATCH /v2/apps/{id}</c>) to <paramref name="existing"/> and
    /// validates the result as <see cref="Parse(string, AppJsonOptions?)"/> does. Each top-level field of
    /// the patch replaces the existing one wholesale (<c>env</c>, <c>labels</c> and <c>upgradeStrategy</c>
    /// included), as Marathon's <c>AppUpdate</c> does; <c>null</c> keeps the existing value; the patch's
    /// <c>id</c> is ignored (the app keeps its id). Unlike Marathon, giving one of <c>cmd</c>/<c>args</c>
    /// drops the other, so a patch can switch between them; <c>ports</c> and <c>uris</c> likewise replace
    /// <c>portDefinitions</c> and <c>fetch</c>. A patch that is only <c>{"version": ...}</c> is Marathon's
    /// rollback request, which the caller must recognise before calling this (here it changes nothing).
    /// </summary>
    /// <param name="existing">The current definition.</param>
    /// <param name="patchJson">The request body.</param>
    /// <param name="options">As for <see cref="Parse(string, AppJsonOptions?)"/>; <see cref="AppJsonOptions.Id"/> is ignored.</param>
    public static AppJsonResult Merge(AppDefinition existing, string patchJson, AppJsonOptions? options = null) =>
        Merge(existing, Encoding.UTF8.GetBytes(patchJson), options);

    /// <summary>Applies a partial definition given as UTF-8 JSON; see <see cref="Merge(AppDefinition, string, AppJsonOptions?)"/>.</summary>
    public static AppJsonResult Merge(AppDefinition existing, ReadOnlyMemory<byte> patchUtf8Json, AppJsonOptions? options = null)
    {
        if (!TryParseDocument(patchUtf8Json, out var patch, out var failure)) return failure;
        using (patch)
        {
            if (patch.RootElement.ValueKind != JsonValueKind.Object)
                return AppReader.Read(patch.RootElement, options ?? AppJsonOptions.Default); // reports the non-object
            var merged = (JsonObject)JsonNode.Parse(Write(existing))!;
            var given = patch.RootElement.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name).ToHashSet();
            foreach (var (field, replaces) in (ReadOnlySpan<(string, string)>)[("args", "cmd"), ("cmd", "args"), ("ports", "portDefinitions"), ("uris", "fetch")])
                if (given.Contains(field) && !given.Contains(replaces)) merged.Remove(replaces);
            var assigned = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in patch.RootElement.EnumerateObject())
                if (p.Value.ValueKind != JsonValueKind.Null && p.Name != "id" && assigned.Add(p.Name)) // a repeat is reported below
                    merged[p.Name] = JsonNode.Parse(p.Value.GetRawText());
            using var document = JsonDocument.Parse(merged.ToJsonString(), DocumentOptions);
            var result = AppReader.Read(document.RootElement, (options ?? AppJsonOptions.Default) with { Id = existing.Id });
            return Repeated(patch.RootElement) is { } repeated ? WithError(result, repeated) : result;
        }
    }

    /// <summary>The definition as Marathon's <c>GET /v2/apps/{id}</c> shows the app: compact JSON with
    /// canonical fields and the defaults written out.</summary>
    public static string Write(AppDefinition app) => JsonText.Write(w => AppWriter.Write(w, app));

    /// <summary>Writes the definition as one JSON object into <paramref name="writer"/> (to embed it, as
    /// <c>/v2/queue</c> does).</summary>
    public static void Write(Utf8JsonWriter writer, AppDefinition app) => AppWriter.Write(writer, app);

    private static bool TryParseDocument(ReadOnlyMemory<byte> utf8Json, out JsonDocument document, out AppJsonResult failure)
    {
        try
        {
            document = JsonDocument.Parse(utf8Json, DocumentOptions);
            failure = null!;
            return true;
        }
        catch (JsonException e)
        {
            document = null!;
            var detail = new ValidationDetail("/", [e.Message]);
            failure = new AppJsonResult(null, new AppJsonFailure(400, AppJsonFailure.InvalidJson, [detail]), ValueList<UnsupportedField>.Empty);
            return false;
        }
    }

    // JsonObject keeps one of a repeated name, so repeats in a patch are found on the patch itself.
    private static string? Repeated(JsonElement patch)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in patch.EnumerateObject())
            if (!seen.Add(p.Name)) return p.Name;
        return null;
    }

    private static AppJsonResult WithError(AppJsonResult result, string field)
    {
        var detail = new ValidationDetail("/" + field, ["is given more than once"]);
        var details = ValueList.From((result.Failure?.Details ?? ValueList<ValidationDetail>.Empty).Append(detail));
        return new AppJsonResult(null, new AppJsonFailure(422, AppJsonFailure.NotValid, details), result.Unsupported);
    }
}
