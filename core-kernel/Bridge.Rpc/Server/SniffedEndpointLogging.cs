using Microsoft.Extensions.Logging;

namespace Bridge.Rpc;

/// <summary>
/// Kestrel warns at start-up that an endpoint configured for HTTP/1.1 and HTTP/2 without TLS
/// cannot negotiate HTTP/2 (it assumes ALPN). Endpoints behind <see cref="CleartextProtocolSniffer"/>
/// do serve h2c, so that one warning is wrong there; this logger factory drops it and passes every
/// other message through to the caller's factory.
/// </summary>
internal sealed class SniffedEndpointLogging(ILoggerFactory inner) : ILoggerFactory
{
    private const string KestrelCategory = "Microsoft.AspNetCore.Server.Kestrel";

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == KestrelCategory ? new Filtered(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The caller owns the inner factory.
    }

    private sealed class Filtered(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning && formatter(state, exception).StartsWith("HTTP/2 is not enabled", StringComparison.Ordinal)) return;
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
