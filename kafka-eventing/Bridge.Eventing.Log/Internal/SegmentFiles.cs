using System.Globalization;

namespace Bridge.Eventing.Log.Internal;

/// <summary>
/// Kafka's file naming in a partition directory: a segment is named by its base offset, zero-padded
/// to 20 digits, with the extensions .log (batches), .index (offset index) and .timeindex (time index).
/// </summary>
internal static class SegmentFiles
{
    public const string LogExtension = ".log";
    public const string IndexExtension = ".index";
    public const string TimeIndexExtension = ".timeindex";
    public const string TempSuffix = ".tmp";

    public static string Name(long baseOffset) => baseOffset.ToString("D20", CultureInfo.InvariantCulture);

    public static string LogPath(string directory, long baseOffset) => Path.Combine(directory, Name(baseOffset) + LogExtension);
    public static string IndexPath(string directory, long baseOffset) => Path.Combine(directory, Name(baseOffset) + IndexExtension);
    public static string TimeIndexPath(string directory, long baseOffset) => Path.Combine(directory, Name(baseOffset) + TimeIndexExtension);

    /// <summary>Parses "00000000000000001234" (20 digits) into 1234.</summary>
    public static bool TryParseBaseOffset(string fileNameWithoutExtension, out long baseOffset)
    {
        baseOffset = -1;
        return fileNameWithoutExtension.Length == 20
            && fileNameWithoutExtension.All(char.IsAsciiDigit)
            && long.TryParse(fileNameWithoutExtension, NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }
}
