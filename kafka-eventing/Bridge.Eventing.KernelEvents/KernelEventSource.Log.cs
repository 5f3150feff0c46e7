using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.KernelEvents;

public sealed partial class KernelEventSource
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to the operator events of {Master}")]
    private partial void LogSubscribed(Uri master);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Subscribed again to the operator events of {Master} (reconnection {Count}); events since the stream broke are not replayed")]
    private partial void LogResubscribed(Uri master, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operator event stream of {Master} broke ({Reason}); subscribing again in {Backoff}")]
    private partial void LogBroken(Uri master, string reason, TimeSpan backoff);
}
