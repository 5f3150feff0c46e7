using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Definitions.Internal;

namespace Bridge.Schedulers.Services.Definitions;

/// <summary>How <see cref="AppJson"/> reads a definition.</summary>
public sealed record AppJsonOptions
{
    /// <summary>Reads with the defaults below.</summary>
    public static readonly AppJsonOptions Default = new();

    /// <summary>The role of an app that names none (default <c>*</c>; the framework's role in practice).</summary>
    public string DefaultRole { get; init; } = "*";

    /// <summary>The roles an app may name (Marathon allows the framework's role and its group's);
    /// null (default): any valid role.</summary>
    public IReadOnlySet<string>? AllowedRoles { get; init; }

    /// <summary>The id from the request path (<c>PUT /v2/apps/{id}</c>): it is the app's id and the body's
    /// <c>id</c>, if any, is ignored, as Marathon does. Null (default): the body's <c>id</c> is required.</summary>
    public AppId? Id { get; init; }
}

/// <summary>One field's problems (Marathon's <c>details[i]</c>).</summary>
/// <param name="Path">Where, in Marathon's style: <c>/cpus</c>, <c>/healthChecks(0)/protocol</c>, <c>/env/NAME</c>; <c>/</c> for the whole app.</param>
/// <param name="Errors">What is wrong there, one sentence each.</param>
public sealed record ValidationDetail(string Path, ValueList<string> Errors);

/// <summary>A field Marathon has that the services scheduler accepts but does not honour; the REST
/// layer reports these so that nothing is silently dropped.</summary>
/// <param name="Path">The field, e.g. <c>/container</c> or <c>/env/DB_PASSWORD</c>.</param>
/// <param name="Reason">Why it is not honoured and what happens instead.</param>
public sealed record UnsupportedField(string Path, string Reason);

/// <summary>
/// Why a definition was refused, in Marathon's error shape:
/// <c>{"message":"Object is not valid","details":[{"path":"/cpus","errors":["is less than 0.001"]}]}</c>.
/// </summary>
/// <param name="Status">The HTTP status to answer with: 400 when the body is not JSON at all (message
/// <see cref="InvalidJson"/>), 422 otherwise (message <see cref="NotValid"/>; wrong types included, which
/// Marathon reports as <c>Invalid JSON</c> with <c>error.expected.js…</c> codes).</param>
/// <param name="Message">The summary line.</param>
/// <param name="Details">The problems, one entry per path, in the order found.</param>
public sealed record AppJsonFailure(int Status, string Message, ValueList<ValidationDetail> Details)
{
    /// <summary>The message for a body that does not parse as JSON.</summary>
    public const string InvalidJson = "Invalid JSON";

    /// <summary>The message for a JSON body that is not a valid definition.</summary>
    public const string NotValid = "Object is not valid";

    /// <summary>Writes <c>{"message":...,"details":[{"path":...,"errors":[...]}]}</c>.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("message", Message);
        writer.WriteStartArray("details");
        foreach (var d in Details)
        {
            writer.WriteStartObject();
            writer.WriteString("path", d.Path);
            writer.WriteStartArray("errors");
            foreach (var e in d.Errors) writer.WriteStringValue(e);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The JSON body (see <see cref="WriteTo"/>).</summary>
    public string ToJson() => JsonText.Write(WriteTo);
}

/// <summary>
/// The outcome of reading a definition: the definition, or why not. Either way,
/// <see cref="Unsupported"/> lists the fields that were accepted but will not be honoured.
/// </summary>
public sealed class AppJsonResult
{
    internal AppJsonResult(AppDefinition? app, AppJsonFailure? failure, ValueList<UnsupportedField> unsupported)
    {
        App = app;
        Failure = failure;
        Unsupported = unsupported;
    }

    /// <summary>The definition, when valid.</summary>
    public AppDefinition? App { get; }

    /// <summary>Why the definition was refused, when not valid.</summary>
    public AppJsonFailure? Failure { get; }

    /// <summary>Fields accepted but not honoured, with reasons (empty when none).</summary>
    public ValueList<UnsupportedField> Unsupported { get; }

    /// <summary>True when <see cref="App"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(App))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsValid => App is not null;
}
