namespace Bridge.Eventing.Avro.Containers;

/// <summary>The fixed parts of the object container format (Avro 1.11 specification, "Object Container Files").</summary>
internal static class ContainerFormat
{
    /// <summary>The four bytes a file starts with: ASCII <c>Obj</c> and the format version 1.</summary>
    public static ReadOnlySpan<byte> Magic => "Obj\x01"u8;

    /// <summary>Length of the sync marker that follows the header and every block.</summary>
    public const int SyncSize = 16;

    /// <summary>Metadata entry holding the schema's JSON.</summary>
    public const string SchemaKey = "avro.schema";

    /// <summary>Metadata entry holding the codec's name; absent means <c>null</c>.</summary>
    public const string CodecKey = "avro.codec";

    /// <summary>Metadata keys that start with this are reserved for Avro.</summary>
    public const string ReservedPrefix = "avro.";

    /// <summary>The optional codecs the specification names, refused with a message that says they are known but not supported.</summary>
    public static readonly string[] OptionalCodecs = ["bzip2", "snappy", "xz", "zstandard"];
}
