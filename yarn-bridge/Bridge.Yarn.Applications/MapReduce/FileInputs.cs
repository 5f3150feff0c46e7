using System.Text.Json.Serialization;

namespace Bridge.Yarn.Applications.MapReduce;

/// <summary>A byte range of one input file (Hadoop's <c>FileSplit</c>): bytes [<see cref="Start"/>, <see cref="Start"/> + <see cref="Length"/>).</summary>
/// <param name="Path">Full path of the file.</param>
/// <param name="Start">First byte, from 0.</param>
/// <param name="Length">Bytes in the range; 0 only for the one split of an empty file.</param>
public sealed record FileSplit(string Path, long Start, long Length)
{
    /// <summary>One past the last byte: <see cref="Start"/> + <see cref="Length"/>.</summary>
    [JsonIgnore]
    public long End => Start + Length;
}

/// <summary>
/// Listing and splitting input as Hadoop's <c>FileInputFormat</c> does for text
/// (<c>mapreduce.input.fileinputformat.input.dir.recursive=true</c>, default split sizes).
/// </summary>
public static class FileInputs
{
    /// <summary>
    /// The default split size, 32 MiB (33,554,432 bytes): <c>computeSplitSize</c> =
    /// max(minSize 1, min(maxSize ∞, blockSize)) with the local filesystem's block size
    /// (<c>fs.local.block.size</c>, default 32 MB).
    /// </summary>
    public const long DefaultSplitSizeBytes = 32L * 1024 * 1024;

    // FileInputFormat.SPLIT_SLOP: the last split may be up to 10% larger than the split size
    // rather than leaving a tiny remainder split.
    private const double SplitSlop = 1.1;

    /// <summary>
    /// Lists the input files under <paramref name="path"/>: the file itself, or every file in the
    /// directory and its subdirectories, skipping hidden names as <c>FileInputFormat</c>'s
    /// <c>hiddenFileFilter</c> does (a name starting with <c>_</c> or <c>.</c>, file or directory,
    /// the given path included). Sorted by ordinal full path, so plans are deterministic.
    /// Symbolic links are followed (files and directories; a cycle of directory links is not detected).
    /// </summary>
    /// <param name="path">A file or a directory.</param>
    /// <param name="files">The files, possibly none (an empty directory).</param>
    /// <param name="error">Why there are no files to read: the path does not exist (Hadoop: "Input path does not exist"), or it is itself hidden ("matches 0 files").</param>
    /// <returns>Whether the listing succeeded.</returns>
    public static bool TryList(string path, out IReadOnlyList<string> files, out string? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        files = [];
        string full = Path.GetFullPath(path);
        bool isFile = File.Exists(full), isDirectory = Directory.Exists(full);
        if (!isFile && !isDirectory)
        {
            error = $"Input path does not exist: {full}";
            return false;
        }
        if (IsHidden(Path.GetFileName(Path.TrimEndingDirectorySeparator(full))))
        {
            error = $"Input path {full} matches 0 files (names starting with '_' or '.' are hidden)";
            return false;
        }
        var found = new List<string>();
        if (isFile) found.Add(full);
        else Collect(full, found);
        found.Sort(StringComparer.Ordinal);
        files = found;
        error = null;
        return true;
    }

    private static void Collect(string directory, List<string> found)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (IsHidden(entry.Name)) continue;
            if (entry is DirectoryInfo sub) Collect(sub.FullName, found);
            else found.Add(entry.FullName);
        }
    }

    // A symbolic link's own FileInfo.Length is the link's size; Hadoop's local filesystem
    // (RawLocalFileSystem.getFileStatus) follows links, and so do we.
    private static long LengthOf(string file)
    {
        var info = new FileInfo(file);
        return info.LinkTarget is null ? info.Length : ((FileInfo?)info.ResolveLinkTarget(returnFinalTarget: true))?.Length
            ?? throw new FileNotFoundException($"Broken symbolic link {file}.", file);
    }

    /// <summary><c>FileInputFormat.hiddenFileFilter</c>: names starting with <c>_</c> or <c>.</c>.</summary>
    public static bool IsHidden(string name) => name.StartsWith('_') || name.StartsWith('.');

    /// <summary>
    /// Splits each file as <c>FileInputFormat.getSplits</c> does: while the remaining bytes exceed
    /// 1.1 × <paramref name="splitSizeBytes"/>, cut a split of exactly that size; the remainder
    /// is the last split; an empty file gets one split of length 0. Files in the given order,
    /// splits in file order. A symbolic link is measured by its target.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing or a broken link.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="splitSizeBytes"/> is below 1.</exception>
    public static IReadOnlyList<FileSplit> Splits(IEnumerable<string> files, long splitSizeBytes = DefaultSplitSizeBytes)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfLessThan(splitSizeBytes, 1);
        var splits = new List<FileSplit>();
        foreach (var file in files)
        {
            long length = LengthOf(file);
            if (length == 0)
            {
                splits.Add(new FileSplit(file, 0, 0));
                continue;
            }
            long remaining = length;
            while ((double)remaining / splitSizeBytes > SplitSlop)
            {
                splits.Add(new FileSplit(file, length - remaining, splitSizeBytes));
                remaining -= splitSizeBytes;
            }
            splits.Add(new FileSplit(file, length - remaining, remaining));
        }
        return splits;
    }
}
