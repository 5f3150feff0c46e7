using System.IO.Compression;

namespace Bridge.Eventing.Avro.Containers;

/// <summary>How an <see cref="AvroContainerWriter"/> writes its file.</summary>
public sealed record ContainerWriterOptions
{
    /// <summary>The defaults: no compression, blocks of about 64,000 bytes, no user metadata.</summary>
    public static ContainerWriterOptions Default { get; } = new();

    /// <summary>How blocks are compressed (default: <see cref="ContainerCodec.Null"/>).</summary>
    public ContainerCodec Codec { get; init; } = ContainerCodec.Null;

    /// <summary>
    /// A block is written once its datums' encodings reach this many bytes, before compression
    /// (default: 64,000, Java's and Python's sync interval). 1 to 1 GiB; smaller means more sync
    /// markers and finer-grained recovery, larger means better compression.
    /// </summary>
    public int BlockSize { get; init; } = 64_000;

    /// <summary>The deflate level (default: <see cref="System.IO.Compression.CompressionLevel.Optimal"/>); ignored by the null codec.</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;

    /// <summary>
    /// User metadata written into the header beside <c>avro.schema</c> and <c>avro.codec</c>
    /// (default: none). Keys starting with <c>avro.</c> are reserved by the specification and refused.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> Metadata { get; init; } = new Dictionary<string, byte[]>();

    /// <summary>Whether disposing the writer leaves the stream open (default: false, the stream is disposed).</summary>
    public bool LeaveOpen { get; init; }
}
