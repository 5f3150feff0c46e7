using System.Globalization;
using System.Text.Json;
using Bridge.Eventing.Avro.Resolution;
using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Schemas.Registry;
using Microsoft.AspNetCore.Http;

namespace Bridge.Eventing.Schemas.Http;

/// <summary>
/// The endpoints of Confluent Schema Registry's REST API (v1 shapes) over a <see cref="SchemaRegistry"/>:
/// reads answer from the current state snapshot; writes go through the registry's single writer
/// and answer only after Kafka acknowledged them. Shapes and codes: docs/schema-registry.md.
/// </summary>
internal sealed class RegistryEndpoints(SchemaRegistry registry, int maxRequestBodyBytes)
{
    private RegistryState State => registry.State;

    public Task<ApiResponse> Root(ApiRequest request) => Done(ApiResponse.Object(_ => { }));

    public Task<ApiResponse> SchemaTypes(ApiRequest request) => Done(ApiResponse.Json(w =>
    {
        w.WriteStartArray();
        w.WriteStringValue("AVRO");
        w.WriteEndArray();
    }));

    /// <summary>GET /schemas/ids/{id} → <c>{"schema": TEXT}</c>.</summary>
    public Task<ApiResponse> SchemaById(ApiRequest request) => Done(WithSchema(request, schema => ApiResponse.Object(w => w.WriteString("schema", schema.Text))));

    /// <summary>GET /schemas/ids/{id}/schema → the schema itself.</summary>
    public Task<ApiResponse> RawSchemaById(ApiRequest request) => Done(WithSchema(request, schema => ApiResponse.Raw(schema.Text)));

    /// <summary>GET /schemas/ids/{id}/versions → <c>[{"subject": S, "version": V}, ...]</c>.</summary>
    public Task<ApiResponse> VersionsOfSchema(ApiRequest request)
    {
        if (SchemaId(request) is not { } id) return Done(UnknownId(request));
        return Done(Answer(RegistryCommands.VersionsOfSchema(State, id, request.Flag("deleted")), versions => ApiResponse.Json(w =>
        {
            w.WriteStartArray();
            foreach (var v in versions)
            {
                w.WriteStartObject();
                w.WriteString("subject", v.Subject);
                w.WriteNumber("version", v.Version);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        })));
    }

    /// <summary>GET /subjects → <c>["a", "b"]</c>.</summary>
    public Task<ApiResponse> Subjects(ApiRequest request) => Done(ApiResponse.Json(w =>
    {
        w.WriteStartArray();
        foreach (var name in State.SubjectNames(request.Flag("deleted"))) w.WriteStringValue(name);
        w.WriteEndArray();
    }));

    /// <summary>GET /subjects/{subject}/versions → <c>[1, 2, 3]</c>.</summary>
    public Task<ApiResponse> Versions(ApiRequest request) =>
        Done(Answer(RegistryCommands.ListVersions(State, request["subject"], request.Flag("deleted")), v => IntArray(v)));

    /// <summary>GET /subjects/{subject}/versions/{version} → <c>{"subject","version","id","schema"}</c>.</summary>
    public Task<ApiResponse> Version(ApiRequest request) => Done(WithVersion(request, VersionObject));

    /// <summary>GET /subjects/{subject}/versions/{version}/schema → the schema itself.</summary>
    public Task<ApiResponse> RawSchemaOfVersion(ApiRequest request) => Done(WithVersion(request, v => ApiResponse.Raw(v.Schema.Text)));

    /// <summary>GET /subjects/{subject}/versions/{version}/referencedby → <c>[]</c>: schema references are not supported, so nothing refers to a version.</summary>
    public Task<ApiResponse> ReferencedBy(ApiRequest request) => Done(WithVersion(request, _ => IntArray([])));

    /// <summary>POST /subjects/{subject}/versions <c>{"schema": ...}</c> → <c>{"id": N}</c>.</summary>
    public async Task<ApiResponse> Register(ApiRequest request)
    {
        var (schema, refused) = await ReadSchemaAsync(request);
        if (refused is not null) return refused;
        var subject = request["subject"];
        var result = await registry.WriteAsync(state => RegistryCommands.Register(state, subject, schema!), request.Context.RequestAborted);
        return Answer(result, v => ApiResponse.Object(w => w.WriteNumber("id", v.Id)));
    }

    /// <summary>POST /subjects/{subject} <c>{"schema": ...}</c> → <c>{"subject","version","id","schema"}</c>, or 40401/40403.</summary>
    public async Task<ApiResponse> Lookup(ApiRequest request)
    {
        var (schema, refused) = await ReadSchemaAsync(request);
        if (refused is not null) return refused;
        return Answer(RegistryCommands.Lookup(State, request["subject"], schema!, request.Flag("deleted")), VersionObject);
    }

    /// <summary>DELETE /subjects/{subject}[?permanent=true] → the versions deleted, <c>[1, 2]</c>.</summary>
    public async Task<ApiResponse> DeleteSubject(ApiRequest request)
    {
        var subject = request["subject"];
        var permanent = request.Flag("permanent");
        return Answer(await registry.WriteAsync(state => RegistryCommands.DeleteSubject(state, subject, permanent), request.Context.RequestAborted), v => IntArray(v));
    }

    /// <summary>DELETE /subjects/{subject}/versions/{version}[?permanent=true] → the version deleted, <c>2</c>.</summary>
    public async Task<ApiResponse> DeleteVersion(ApiRequest request)
    {
        var version = VersionSelector.Parse(request["version"]);
        if (version.Error is { } invalid) return ApiResponse.Error(invalid);
        var subject = request["subject"];
        var permanent = request.Flag("permanent");
        var result = await registry.WriteAsync(state => RegistryCommands.DeleteVersion(state, subject, version.Value, permanent), request.Context.RequestAborted);
        return Answer(result, v => ApiResponse.Json(w => w.WriteNumberValue(v)));
    }

    /// <summary>POST /compatibility/subjects/{subject}/versions[?verbose=true] → <c>{"is_compatible": bool}</c>, against the versions the level names.</summary>
    public Task<ApiResponse> TestCompatibilityWithAll(ApiRequest request) => TestCompatibilityAsync(request, null);

    /// <summary>POST /compatibility/subjects/{subject}/versions/{version}[?verbose=true] → <c>{"is_compatible": bool}</c>, against that version.</summary>
    public Task<ApiResponse> TestCompatibilityWithVersion(ApiRequest request)
    {
        var version = VersionSelector.Parse(request["version"]);
        return version.Error is { } invalid ? Done(ApiResponse.Error(invalid)) : TestCompatibilityAsync(request, version.Value);
    }

    /// <summary>GET /config → <c>{"compatibilityLevel": "BACKWARD"}</c>.</summary>
    public Task<ApiResponse> GetGlobalConfig(ApiRequest request) => Done(LevelObject("compatibilityLevel", State.GlobalLevel));

    /// <summary>PUT /config <c>{"compatibility": "FULL"}</c> → the request's level, <c>{"compatibility": "FULL"}</c>.</summary>
    public Task<ApiResponse> PutGlobalConfig(ApiRequest request) => PutConfigAsync(request, null);

    /// <summary>DELETE /config → the level that was in force; the global level is BACKWARD again.</summary>
    public async Task<ApiResponse> DeleteGlobalConfig(ApiRequest request) =>
        Answer(await registry.WriteAsync(state => RegistryCommands.DeleteLevel(state, null), request.Context.RequestAborted),
            level => LevelObject("compatibilityLevel", level));

    /// <summary>GET /config/{subject}[?defaultToGlobal=true] → <c>{"compatibilityLevel": ...}</c>, or 40408 when the subject has none of its own.</summary>
    public Task<ApiResponse> GetSubjectConfig(ApiRequest request) =>
        Done(Answer(RegistryCommands.GetLevel(State, request["subject"], request.Flag("defaultToGlobal")), level => LevelObject("compatibilityLevel", level)));

    /// <summary>PUT /config/{subject} <c>{"compatibility": "FULL"}</c> → <c>{"compatibility": "FULL"}</c>.</summary>
    public Task<ApiResponse> PutSubjectConfig(ApiRequest request) => PutConfigAsync(request, request["subject"]);

    /// <summary>DELETE /config/{subject} → the level it had, <c>{"compatibilityLevel": ...}</c>; it follows the global level again. 40401 when it had none.</summary>
    public async Task<ApiResponse> DeleteSubjectConfig(ApiRequest request)
    {
        var subject = request["subject"];
        return Answer(await registry.WriteAsync(state => RegistryCommands.DeleteLevel(state, subject), request.Context.RequestAborted),
            level => LevelObject("compatibilityLevel", level));
    }

    private async Task<ApiResponse> TestCompatibilityAsync(ApiRequest request, VersionSelector? version)
    {
        var (schema, refused) = await ReadSchemaAsync(request);
        if (refused is not null) return refused;
        var verbose = request.Flag("verbose");
        return Answer(RegistryCommands.TestCompatibility(State, request["subject"], version, schema!), answer => ApiResponse.Object(w =>
        {
            w.WriteBoolean("is_compatible", answer.IsCompatible);
            if (!verbose) return;
            w.WriteStartArray("messages");
            foreach (var message in answer.Messages) w.WriteStringValue(message);
            w.WriteEndArray();
        }));
    }

    private async Task<ApiResponse> PutConfigAsync(ApiRequest request, string? subject)
    {
        var (body, refused) = await RequestBodies.ReadObjectAsync(request.Context.Request, maxRequestBodyBytes, request.Context.RequestAborted);
        if (refused is not null) return refused;
        RegistryResult<CompatibilityLevel> level;
        using (body) level = RequestBodies.Level(body!.RootElement);
        if (level.Error is { } invalid) return ApiResponse.Error(invalid);
        var result = await registry.WriteAsync(state => RegistryCommands.SetLevel(state, subject, level.Value), request.Context.RequestAborted);
        return Answer(result, set => LevelObject("compatibility", set));
    }

    private async Task<(AvroSchema? Schema, ApiResponse? Refused)> ReadSchemaAsync(ApiRequest request)
    {
        var (body, refused) = await RequestBodies.ReadObjectAsync(request.Context.Request, maxRequestBodyBytes, request.Context.RequestAborted);
        if (refused is not null) return (null, refused);
        using (body)
        {
            var schema = RequestBodies.Schema(body!.RootElement);
            return schema.Error is { } invalid ? (null, ApiResponse.Error(invalid)) : (schema.Value, null);
        }
    }

    private ApiResponse WithSchema(ApiRequest request, Func<StoredSchema, ApiResponse> answer) =>
        SchemaId(request) is { } id ? Answer(RegistryCommands.GetSchema(State, id), answer) : UnknownId(request);

    private ApiResponse WithVersion(ApiRequest request, Func<SubjectVersion, ApiResponse> answer)
    {
        var version = VersionSelector.Parse(request["version"]);
        if (version.Error is { } invalid) return ApiResponse.Error(invalid);
        return Answer(RegistryCommands.GetVersion(State, request["subject"], version.Value, request.Flag("deleted")), answer);
    }

    // Ids are 1..2^31-1; anything else names no schema (Confluent's JAX-RS answers a non-integer id with 404 too).
    private static int? SchemaId(ApiRequest request) =>
        int.TryParse(request["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 1 ? id : null;

    private static ApiResponse UnknownId(ApiRequest request) => ApiResponse.Error(new RegistryError(RegistryErrorKind.SchemaNotFound,
        $"Schema '{(request["id"].Length > 40 ? request["id"][..40] + "..." : request["id"])}' not found: a schema id is an integer from 1 to 2^31-1"));

    private static ApiResponse VersionObject(SubjectVersion v) => ApiResponse.Object(w =>
    {
        w.WriteString("subject", v.Subject);
        w.WriteNumber("version", v.Version);
        w.WriteNumber("id", v.Id);
        w.WriteString("schema", v.Schema.Text);
    });

    private static ApiResponse IntArray(IEnumerable<int> values) => ApiResponse.Json(w =>
    {
        w.WriteStartArray();
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    });

    private static ApiResponse LevelObject(string member, CompatibilityLevel level) =>
        ApiResponse.Object(w => w.WriteString(member, CompatibilityLevels.ToWireName(level)));

    private static ApiResponse Answer<T>(RegistryResult<T> result, Func<T, ApiResponse> answer) =>
        result.Error is { } error ? ApiResponse.Error(error) : answer(result.Value!);

    private static Task<ApiResponse> Done(ApiResponse response) => Task.FromResult(response);
}
