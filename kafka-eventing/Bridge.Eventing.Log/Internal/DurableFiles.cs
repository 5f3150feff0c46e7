using System.Runtime.InteropServices;

namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// Crash-safe file replacement and directory fsync. A new file's name is only durable once its
/// directory is fsynced (POSIX); .NET has no API for that (File.OpenHandle refuses directories),
/// so on Linux and macOS we open the directory read-only through libc and fsync it.
/// </summary>
internal static class DurableFiles
{
    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/> atomically: writes
    /// path.tmp, fsyncs it, renames it over path, fsyncs the directory. A crash leaves either the
    /// old file or the new one (and maybe a stale .tmp, which loaders delete).
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var temp = path + SegmentFiles.TempSuffix;
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(handle, content, 0);
            RandomAccess.FlushToDisk(handle);
        }
        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>fsyncs a directory so that files created, renamed or deleted in it stay so after a power loss.</summary>
    /// <exception cref="IOException">The directory cannot be opened or fsynced.</exception>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return; // Windows has no directory fsync; NTFS journals metadata.
        var fd = Native.open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
            throw new IOException($"Cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Native.fsync(fd) != 0)
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc")]
        public static extern int close(int fd);
    }
}
