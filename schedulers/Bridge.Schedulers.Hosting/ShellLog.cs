using Microsoft.Extensions.Logging;

namespace Bridge.Schedulers.Hosting;

/// <summary>The log lines of <see cref="FrameworkShell{TDecisions, TEvent}"/>, each led by the framework's name.</summary>
internal static partial class ShellLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Framework}: subscribed as framework {FrameworkId} (reconnected: {Reconnected})")]
    public static partial void Subscribed(ILogger logger, string framework, string frameworkId, bool reconnected);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Framework}: the master ended the subscription: {Message}")]
    public static partial void Error(ILogger logger, string framework, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Framework}: {What} failed: {Error}")]
    public static partial void CallFailed(ILogger logger, string framework, string what, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Framework}: a tick failed: {Error}")]
    public static partial void TickFailed(ILogger logger, string framework, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Framework}: {Count} status updates were not applied (they are not acknowledged, so they come again): {Error}")]
    public static partial void StatusBatchFailed(ILogger logger, string framework, int count, string error);
}
