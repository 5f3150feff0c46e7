using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.ExceptionServices;
using System.Text;

namespace Bridge.Kernel.Agent.Fetching;

/// <summary>The archive formats the fetcher extracts, told apart by file name as in Mesos.</summary>
internal enum ArchiveKind { Tar, TarGz, TarBz2, TarXz, Zip }

/// <summary>
/// Reads tar (plain, gzip, bzip2, xz) and zip archives entry by entry into an
/// <see cref="ExtractionTarget"/>, which does all the path checking. Tar and gzip use .NET
/// (<see cref="TarReader"/>, <see cref="GZipStream"/>); bzip2 and xz, which .NET cannot decode, are
/// decompressed by Debian's <c>/usr/bin/bzip2</c> and <c>/usr/bin/xz</c> into the same TarReader,
/// so every format goes through one set of checks.
/// </summary>
internal static class ArchiveExtractor
{
    private const int S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFLNK = 0xA000;

    /// <summary>The archive kind of <paramref name="fileName"/>, or null when it is not an archive.</summary>
    public static ArchiveKind? Detect(string fileName)
    {
        var name = Path.GetFileName(fileName).ToLowerInvariant();
        if (name.EndsWith(".tar.gz", StringComparison.Ordinal) || name.EndsWith(".tgz", StringComparison.Ordinal)) return ArchiveKind.TarGz;
        if (name.EndsWith(".tar.bz2", StringComparison.Ordinal) || name.EndsWith(".tbz2", StringComparison.Ordinal)) return ArchiveKind.TarBz2;
        if (name.EndsWith(".tar.xz", StringComparison.Ordinal) || name.EndsWith(".txz", StringComparison.Ordinal)) return ArchiveKind.TarXz;
        if (name.EndsWith(".tar", StringComparison.Ordinal)) return ArchiveKind.Tar;
        if (name.EndsWith(".zip", StringComparison.Ordinal)) return ArchiveKind.Zip;
        return null;
    }

    /// <summary>Extracts <paramref name="archive"/> into <paramref name="destination"/>.</summary>
    /// <returns>Entries extracted.</returns>
    /// <exception cref="ArchiveException">Corrupt, unsafe, or larger than <paramref name="maxBytes"/> once extracted.</exception>
    public static async Task<int> ExtractAsync(string archive, ArchiveKind kind, string destination, long maxBytes, CancellationToken cancellationToken)
    {
        var target = new ExtractionTarget(destination, maxBytes);
        try
        {
            switch (kind)
            {
                case ArchiveKind.Zip:
                    await ExtractZipAsync(archive, target, cancellationToken);
                    break;
                case ArchiveKind.TarBz2 or ArchiveKind.TarXz:
                    await ExtractWithDecompressorAsync(archive, kind == ArchiveKind.TarBz2 ? "/usr/bin/bzip2" : "/usr/bin/xz", target, cancellationToken);
                    break;
                default:
                    await using (var file = File.OpenRead(archive))
                    await using (var stream = kind == ArchiveKind.TarGz ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file)
                        await ExtractTarAsync(stream, target, cancellationToken);
                    break;
            }
            target.Finish();
            return target.Entries;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new ArchiveException(FetchFailure.BadArchive, $"not a valid {Describe(kind)} archive: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArchiveException(FetchFailure.BadArchive, $"extracting the {Describe(kind)} archive failed: {e.Message}", e);
        }
    }

    private static async Task ExtractTarAsync(Stream stream, ExtractionTarget target, CancellationToken cancellationToken)
    {
        await using var reader = new TarReader(stream, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            var mode = (UnixFileMode)entry.Mode;
            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    await target.FileAsync(entry.Name, entry.DataStream, mode, cancellationToken);
                    break;
                case TarEntryType.Directory:
                    target.Directory(entry.Name, mode);
                    break;
                case TarEntryType.SymbolicLink:
                    target.SymbolicLink(entry.Name, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    await target.HardLinkAsync(entry.Name, entry.LinkName, cancellationToken);
                    break;
                case TarEntryType.GlobalExtendedAttributes:
                    break; // metadata for the entries that follow; nothing to write
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    throw ExtractionTarget.Unsupported(entry.Name, "device or FIFO");
                default:
                    throw ExtractionTarget.Unsupported(entry.Name, $"tar entry of type {entry.EntryType}");
            }
        }
    }

    private static async Task ExtractZipAsync(string archive, ExtractionTarget target, CancellationToken cancellationToken)
    {
        await using var zip = await ZipFile.OpenReadAsync(archive, cancellationToken);
        foreach (var entry in zip.Entries)
        {
            // Unix zip tools keep st_mode in the high 16 bits of the external attributes.
            var unix = (entry.ExternalAttributes >> 16) & 0xFFFF;
            UnixFileMode? mode = unix == 0 ? null : (UnixFileMode)(unix & 0x1FF);
            if (entry.FullName.EndsWith('/') || (unix & S_IFMT) == S_IFDIR)
            {
                target.Directory(entry.FullName, mode);
            }
            else if ((unix & S_IFMT) == S_IFLNK)
            {
                if (entry.Length > 4096) throw new ArchiveException(FetchFailure.BadArchive, $"entry '{entry.FullName}' is a link with a {entry.Length}-byte target");
                await using var data = await entry.OpenAsync(cancellationToken);
                using var text = new StreamReader(data, Encoding.UTF8);
                target.SymbolicLink(entry.FullName, await text.ReadToEndAsync(cancellationToken));
            }
            else
            {
                await using var data = await entry.OpenAsync(cancellationToken);
                await target.FileAsync(entry.FullName, data, mode, cancellationToken);
            }
        }
    }

    private static async Task ExtractWithDecompressorAsync(string archive, string tool, ExtractionTarget target, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--decompress");
        start.ArgumentList.Add("--stdout");
        start.ArgumentList.Add(archive);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new ArchiveException(FetchFailure.Io, $"cannot decompress: {tool} did not start ({e.Message}); install Debian's {(tool.EndsWith("xz") ? "xz-utils" : "bzip2")}", e);
        }
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            var output = process.StandardOutput.BaseStream;
            Exception? readError = null;
            try
            {
                await ExtractTarAsync(output, target, cancellationToken);
                await output.CopyToAsync(Stream.Null, cancellationToken); // the zero blocks after the end marker
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
            {
                readError = e; // a failing decompressor truncates its output; its own message says more
            }
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
                throw new ArchiveException(FetchFailure.BadArchive, $"{Path.GetFileName(tool)} could not decompress it (status {process.ExitCode}): {(await errors).Trim()}");
            if (readError is not null) ExceptionDispatchInfo.Throw(readError);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static string Describe(ArchiveKind kind) => kind switch
    {
        ArchiveKind.Tar => "tar",
        ArchiveKind.TarGz => "gzip-compressed tar",
        ArchiveKind.TarBz2 => "bzip2-compressed tar",
        ArchiveKind.TarXz => "xz-compressed tar",
        _ => "zip",
    };
}
