using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Bridge.Chaos;

/// <summary>Logs of the in-process parts of a chaos run (agents, framework) as lines in one file, so the console keeps
/// only the run's progress: <c>HH:mm:ss.fff level category: message</c>, Information and up.</summary>
public sealed class FileLog : ILoggerProvider
{
    private readonly StreamWriter _file;

    /// <summary>Appends to <paramref name="path"/>.</summary>
    public FileLog(string path) => _file = new StreamWriter(path, append: true) { AutoFlush = true };

    /// <summary>A logger factory writing to <paramref name="path"/>.</summary>
    public static ILoggerFactory Factory(string path) => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new FileLog(path)));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    private void Write(string line)
    {
        lock (_file)
        {
            try
            {
                _file.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // a late line after the run ended
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_file) _file.Dispose();
    }

    private sealed class Logger(FileLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}");
            log.Write(exception is null ? line : line + Environment.NewLine + exception);
        }
    }
}
