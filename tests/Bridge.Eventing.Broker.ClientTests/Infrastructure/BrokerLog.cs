using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Broker.ClientTests.Infrastructure;

/// <summary>
/// An in-process broker's log at warning level and above (handler failures, storage errors),
/// kept so a failing test can show what the broker itself said.
/// </summary>
internal sealed class BrokerLog : ILoggerFactory, ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _entries = new();

    /// <summary>Entries so far, oldest first.</summary>
    public IReadOnlyList<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel) && _entries.Count < 1_000)
            _entries.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
    }

    public void Dispose()
    {
    }
}
