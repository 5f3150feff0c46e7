namespace Bridge.Eventing.Avro.Containers;

/// <summary>
/// How the blocks of a container file are compressed: the two codecs the Avro 1.11 specification
/// requires of every implementation. The optional ones (bzip2, snappy, xz, zstandard) are refused
/// when read.
/// </summary>
public enum ContainerCodec
{
    /// <summary><c>"null"</c>: blocks stored as they are.</summary>
    Null,

    /// <summary><c>"deflate"</c>: each block raw DEFLATE (RFC 1951, no zlib or gzip wrapper).</summary>
    Deflate,
}

/// <summary>The codec names written in the <c>avro.codec</c> metadata entry.</summary>
public static class ContainerCodecNames
{
    /// <summary>The name of <paramref name="codec"/>: <c>null</c> or <c>deflate</c>.</summary>
    public static string NameOf(ContainerCodec codec) => codec switch
    {
        ContainerCodec.Null => "null",
        ContainerCodec.Deflate => "deflate",
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "not a container codec"),
    };

    /// <summary>The codec named <paramref name="name"/>, or false for any other name.</summary>
    public static bool TryParse(string name, out ContainerCodec codec)
    {
        codec = name switch { "null" => ContainerCodec.Null, "deflate" => ContainerCodec.Deflate, _ => (ContainerCodec)(-1) };
        return (int)codec >= 0;
    }
}
