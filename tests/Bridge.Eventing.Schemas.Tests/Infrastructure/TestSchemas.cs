using Bridge.Eventing.Avro.Schemas;
using Bridge.Eventing.Schemas.Registry;

namespace Bridge.Eventing.Schemas.Tests.Infrastructure;

/// <summary>Schemas the tests register, with what each is compatible with.</summary>
internal static class TestSchemas
{
    /// <summary>Order v1: one long field.</summary>
    public const string OrderV1 = """{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"}]}""";

    /// <summary>v1 plus a field with a default: FULL compatible with v1 (each reads the other).</summary>
    public const string OrderV2 = """{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"qty","type":"int","default":1}]}""";

    /// <summary>v1 plus a field without a default: not BACKWARD compatible (it cannot read v1 data), but FORWARD compatible.</summary>
    public const string OrderWithRequiredNote = """{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"note","type":"string"}]}""";

    /// <summary>v1 without its field: BACKWARD compatible (fields are skipped), not FORWARD (v1 cannot read it: id has no default).</summary>
    public const string OrderWithoutId = """{"type":"record","name":"Order","namespace":"shop","fields":[]}""";

    /// <summary>v1 written differently (spacing, attribute order, namespace in the name): the same schema once normalised.</summary>
    public const string OrderV1Respelled = """
        { "fields" : [ { "type" : "long", "name" : "id" } ],
          "name" : "shop.Order", "type" : "record" }
        """;

    public static AvroSchema Parse(string json) => AvroSchema.Parse(json);

    /// <summary>Applies a plan's records to <paramref name="state"/>, as the writer does once the store acknowledged them.</summary>
    public static RegistryState Run<T>(this RegistryState state, RegistryResult<WritePlan<T>> plan, out T answer)
    {
        Assert.Null(plan.Error);
        answer = plan.Value!.Answer;
        foreach (var record in plan.Value.Records) state = state.Apply(record);
        return state;
    }

    /// <summary>Registers, asserting success; returns the new state and the version.</summary>
    public static RegistryState Register(this RegistryState state, string subject, string schema, out SubjectVersion version) =>
        state.Run(RegistryCommands.Register(state, subject, Parse(schema)), out version);

    public static RegistryState Register(this RegistryState state, string subject, string schema) => state.Register(subject, schema, out _);

    public static RegistryErrorKind ErrorKind<T>(this RegistryResult<T> result) => Assert.IsType<RegistryError>(result.Error).Kind;
}
