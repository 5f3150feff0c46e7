using System.Globalization;

namespace Bridge.Kernel.Agent;

/// <summary>
/// What an agent offers when no <c>--resources</c> are given, by Mesos' rules
/// (<c>slave/containerizer/containerizer.cpp</c>): all cores; memory minus what the system keeps
/// (1 GB when there are at least 2 GB, else half); the work dir's disk minus 5 GB when it has at
/// least 10 GB, else half; ports 31000-32000.
/// </summary>
public static class ResourceDetection
{
    /// <summary>This machine's resources.</summary>
    /// <param name="workDir">The agent's work dir (its filesystem's size is the disk offered).</param>
    public static Resources Detect(string workDir)
    {
        var cpus = Environment.ProcessorCount;
        var memMb = MemoryTotalMb();
        memMb = memMb >= 2048 ? memMb - 1024 : memMb / 2;
        Directory.CreateDirectory(workDir);
        var diskMb = new DriveInfo(workDir).TotalSize / (1024 * 1024);
        diskMb = diskMb >= 10 * 1024 ? diskMb - 5 * 1024 : diskMb / 2;
        return Resources.Parse(string.Create(CultureInfo.InvariantCulture, $"cpus:{cpus};mem:{memMb};disk:{diskMb};ports:[31000-32000]"));
    }

    /// <summary><c>MemTotal</c> from /proc/meminfo, in MB.</summary>
    public static long MemoryTotalMb()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        throw new IOException("/proc/meminfo has no MemTotal line");
    }

    /// <summary>Splits <paramref name="total"/> into <paramref name="parts"/> equal agents (<c>bridge up --agents N</c>):
    /// scalars divided (to a thousandth), port ranges cut into consecutive blocks.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parts"/> is below 1.</exception>
    public static IReadOnlyList<Resources> Split(Resources total, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        var result = new List<Resource>[parts];
        for (var i = 0; i < parts; i++) result[i] = new List<Resource>();
        foreach (var r in total)
        {
            if (r.Type == ResourceType.Scalar)
            {
                var share = Scalar.FromMillis(r.Scalar.Millis / parts);
                for (var i = 0; i < parts; i++) result[i].Add(r.WithScalar(share));
            }
            else if (r.Type == ResourceType.Ranges)
            {
                var values = r.Ranges.SelectMany(x => Enumerable.Range(0, (int)Math.Min(x.End - x.Begin + 1, int.MaxValue)).Select(k => x.Begin + (ulong)k)).ToList();
                var size = values.Count / parts;
                for (var i = 0; i < parts && size > 0; i++)
                    result[i].Add(Resource.OfRanges(r.Name, ValueRanges.Of(values.Skip(i * size).Take(size).Select(v => new ValueRange(v, v))), r.Reservation));
            }
            else
                for (var i = 0; i < parts; i++) result[i].Add(r);
        }
        return result.Select(Resources.Of).ToList();
    }
}
