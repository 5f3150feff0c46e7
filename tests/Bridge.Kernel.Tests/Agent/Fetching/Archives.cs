using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Bridge.Kernel.Tests.Agent.Fetching;

/// <summary>One entry of a test archive: a file (Content), a directory (Directory), or a link (LinkTo; Hard for a hard link).</summary>
public sealed record ArchiveEntry(string Name, string? Content = null, string? LinkTo = null, bool Hard = false, bool Directory = false,
    UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

/// <summary>Builds real archives byte by byte with .NET's writers (or Debian's tar for bzip2 and xz), entries exactly as given.</summary>
public static class Archives
{
    public static byte[] Tar(params ArchiveEntry[] entries) => Write(stream => WriteTar(stream, entries));

    public static byte[] TarGz(params ArchiveEntry[] entries) => Write(stream =>
    {
        using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        WriteTar(gzip, entries);
    });

    public static byte[] Zip(params ArchiveEntry[] entries) => Write(stream =>
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var entry in entries)
        {
            var item = zip.CreateEntry(entry.Directory ? entry.Name.TrimEnd('/') + "/" : entry.Name);
            const int S_IFREG = 0x8000, S_IFDIR = 0x4000, S_IFLNK = 0xA000;
            var type = entry.Directory ? S_IFDIR : entry.LinkTo is not null ? S_IFLNK : S_IFREG;
            item.ExternalAttributes = (type | (int)entry.Mode) << 16;
            if (entry.Directory) continue;
            using var data = item.Open();
            data.Write(Encoding.UTF8.GetBytes(entry.LinkTo ?? entry.Content ?? ""));
        }
    });

    /// <summary>The files under <paramref name="directory"/> packed by <c>/usr/bin/tar</c> with <paramref name="compression"/> (<c>-j</c> or <c>-J</c>).</summary>
    public static byte[] TarWithDebianTar(string directory, string compression)
    {
        var output = Path.Combine(Path.GetTempPath(), $"bridge-test-{Guid.NewGuid():N}.tar");
        try
        {
            using var tar = Process.Start("/usr/bin/tar", ["-c", compression, "-f", output, "-C", directory, "."]);
            tar.WaitForExit();
            Assert.Equal(0, tar.ExitCode);
            return File.ReadAllBytes(output);
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static void WriteTar(Stream stream, ArchiveEntry[] entries)
    {
        using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var entry in entries)
        {
            var type = entry.Directory ? TarEntryType.Directory
                : entry.LinkTo is null ? TarEntryType.RegularFile
                : entry.Hard ? TarEntryType.HardLink : TarEntryType.SymbolicLink;
            var item = new PaxTarEntry(type, entry.Name) { Mode = entry.Mode };
            if (entry.LinkTo is not null) item.LinkName = entry.LinkTo;
            if (entry.Content is not null) item.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(entry.Content));
            writer.WriteEntry(item);
        }
    }

    private static byte[] Write(Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        return buffer.ToArray();
    }
}
