using Microsoft.Extensions.Logging;

namespace Bridge.Host;

/// <summary>The CLI's logs: one line per event on stderr, level from <c>BRIDGE_LOG_LEVEL</c> (default: Warning).</summary>
internal static class Logging
{
    /// <summary>The logs at <c>BRIDGE_LOG_LEVEL</c>, else <paramref name="fallback"/> (daemons whose stderr is a sandbox
    /// file, such as executors, log at Information).</summary>
    public static ILoggerFactory Create(LogLevel fallback = LogLevel.Warning) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("BRIDGE_LOG_LEVEL"), true, out var level) ? level : fallback);
        builder.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Every level to stderr: stdout carries what commands print (JSON lines, ready lines).
        builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddFilter("Microsoft", LogLevel.Warning);
        // "Hosting failed to start" (a port in use) is also thrown, and each command reports it in one line.
        builder.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    });
}
