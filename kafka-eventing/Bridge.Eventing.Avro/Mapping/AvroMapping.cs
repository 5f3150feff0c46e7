using Bridge.Eventing.Avro.Generic;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Mapping;

/// <summary>
/// An explicit mapping between a C# type and a record schema: one getter per field to build a
/// <see cref="GenericRecord"/> from a value, and one factory to build a value from a record. No
/// reflection: the delegates are the whole mapping, written where the type is.
/// <code>
/// var orders = AvroMapping.For&lt;Order&gt;(schema)
///     .Field("id", o =&gt; o.Id)
///     .Field("amount", o =&gt; o.Amount)
///     .Build(r =&gt; new Order(r.Get&lt;string&gt;("id"), r.Get&lt;long&gt;("amount")));
/// </code>
/// </summary>
public static class AvroMapping
{
    /// <summary>Starts a mapping of <typeparamref name="T"/> to <paramref name="schema"/>, which must be a record schema (ArgumentException otherwise).</summary>
    public static AvroMappingBuilder<T> For<T>(AvroSchema schema) =>
        new(schema as RecordSchema ?? throw new ArgumentException($"a mapping needs a record schema, not {schema.Type}", nameof(schema)));
}

/// <summary>Collects the field getters of an <see cref="AvroMapping{T}"/>.</summary>
public sealed class AvroMappingBuilder<T>
{
    private readonly RecordSchema _schema;
    private readonly Func<T, object?>?[] _getters;

    internal AvroMappingBuilder(RecordSchema schema)
    {
        _schema = schema;
        _getters = new Func<T, object?>?[schema.Fields.Length];
    }

    /// <summary>
    /// Maps field <paramref name="name"/> to <paramref name="get"/>, which returns a generic datum
    /// (<see cref="DatumModel"/>). ArgumentException when the schema has no such field or it is mapped twice.
    /// </summary>
    public AvroMappingBuilder<T> Field(string name, Func<T, object?> get)
    {
        var field = _schema.GetField(name) ?? throw new ArgumentException($"record {_schema.FullName} has no field '{name}'", nameof(name));
        if (_getters[field.Position] is not null) throw new ArgumentException($"field '{name}' is mapped twice", nameof(name));
        _getters[field.Position] = get;
        return this;
    }

    /// <summary>
    /// The mapping, with <paramref name="create"/> building a value from a decoded record.
    /// ArgumentException naming the fields left unmapped that have no default (a field with a
    /// default may be left out: records get its default).
    /// </summary>
    public AvroMapping<T> Build(Func<GenericRecord, T> create)
    {
        var missing = _schema.Fields.Where(f => _getters[f.Position] is null && !f.HasDefault).Select(f => f.Name).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"record {_schema.FullName}: fields {string.Join(", ", missing)} are not mapped and have no default");
        return new AvroMapping<T>(_schema, _getters, create);
    }
}

/// <summary>A built mapping between <typeparamref name="T"/> and a record schema (see <see cref="AvroMapping"/>). Thread-safe.</summary>
public sealed class AvroMapping<T>
{
    private readonly Func<T, object?>?[] _getters;
    private readonly Codec.FieldDefault?[] _defaults;
    private readonly Func<GenericRecord, T> _create;

    internal AvroMapping(RecordSchema schema, Func<T, object?>?[] getters, Func<GenericRecord, T> create)
    {
        Schema = schema;
        _getters = getters;
        _create = create;
        _defaults = schema.Fields.Select(f => _getters[f.Position] is null
            ? new Codec.FieldDefault(f, Codec.DefaultValues.ToDatum(f.Schema, f.Default!.Value))
            : null).ToArray();
    }

    /// <summary>The record schema values are mapped to.</summary>
    public RecordSchema Schema { get; }

    /// <summary>The record for <paramref name="value"/>: each mapped field from its getter, the others from their defaults.</summary>
    public GenericRecord ToRecord(T value)
    {
        var record = new GenericRecord(Schema);
        for (var i = 0; i < _getters.Length; i++) record[i] = _getters[i] is { } get ? get(value) : _defaults[i]!.Value();
        return record;
    }

    /// <summary>The value for <paramref name="record"/>, from the factory given to Build (whose exceptions pass through).</summary>
    public T FromRecord(GenericRecord record) => _create(record);
}
