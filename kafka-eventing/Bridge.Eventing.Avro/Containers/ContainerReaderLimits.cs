using Bridge.Eventing.Avro.Codec;

namespace Bridge.Eventing.Avro.Containers;

/// <summary>
/// Bounds on what a container file may make an <see cref="AvroContainerReader"/> allocate or do,
/// checked before anything is allocated, so a hostile file costs at most about these sizes.
/// </summary>
public sealed record ContainerReaderLimits
{
    /// <summary>The defaults: 16 MiB header, 64 MiB blocks before and after decompression, 16,777,216 datums a block.</summary>
    public static ContainerReaderLimits Default { get; } = new();

    /// <summary>Bytes the header's metadata (keys and values together) may take (default: 16 MiB, room for the largest schema the parser accepts).</summary>
    public int MaxHeaderBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>A block's size in the file, after compression (default: 64 MiB).</summary>
    public int MaxBlockBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>A block's size after decompression (default: 64 MiB): a deflate block that inflates past it is refused, a deflate bomb costs no more.</summary>
    public int MaxDecompressedBlockBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// Datums one block may hold (default: 16,777,216). Datums of a non-empty type are also bounded
    /// by the block's bytes; this bounds datums that take no bytes at all (a <c>null</c> schema).
    /// </summary>
    public long MaxBlockCount { get; init; } = 16L * 1024 * 1024;

    /// <summary>Bounds on each datum (default: <see cref="DecodeLimits.Default"/>).</summary>
    public DecodeLimits Datum { get; init; } = DecodeLimits.Default;
}
