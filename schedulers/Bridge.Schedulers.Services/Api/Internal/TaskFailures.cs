using System.Collections.Concurrent;
using System.Text.Json;
using Bridge.Schedulers.Services.Scheduling;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>An app's last failed task (Marathon's <c>TaskFailure</c>, what <c>lastTaskFailure</c> shows).</summary>
/// <param name="AppId">The app.</param>
/// <param name="TaskId">The task.</param>
/// <param name="State">The terminal state, e.g. <c>TASK_FAILED</c>.</param>
/// <param name="Message">The kernel's message ("" when none).</param>
/// <param name="Host">The agent's hostname.</param>
/// <param name="SlaveId">The agent's id.</param>
/// <param name="Version">The configuration version the task ran.</param>
/// <param name="Timestamp">When the status arrived.</param>
internal sealed record TaskFailure(string AppId, string TaskId, string State, string Message, string Host, string SlaveId, string Version, DateTimeOffset Timestamp)
{
    /// <summary>Writes <c>{"appId","host","message","state","taskId","timestamp","version","slaveId"}</c>.</summary>
    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("appId", AppId);
        w.WriteString("host", Host);
        w.WriteString("message", Message);
        w.WriteString("state", State);
        w.WriteString("taskId", TaskId);
        w.WriteString("timestamp", Versions.Format(Timestamp));
        w.WriteString("version", Version);
        w.WriteString("slaveId", SlaveId);
        w.WriteEndObject();
    }
}

/// <summary>
/// The last task failure of each app, recorded from the scheduler's <c>status_update_event</c>s, as
/// Marathon's task failure handler does: a task that ended FAILED, ERROR, LOST, DROPPED, GONE,
/// GONE_BY_OPERATOR or UNKNOWN is its app's last failure; <c>app_terminated_event</c> forgets the app.
/// Kept in memory only (Marathon persists it): a restarted scheduler shows failures from then on.
/// </summary>
internal sealed class TaskFailures
{
    private static readonly HashSet<string> FailureStates = new(StringComparer.Ordinal)
    {
        "TASK_FAILED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN",
    };

    private readonly ConcurrentDictionary<string, TaskFailure> _last = new(StringComparer.Ordinal);

    /// <summary>The loop following the events; it ends with the event stream.</summary>
    public Task Following { get; private set; } = Task.CompletedTask;

    /// <summary>Subscribes to <paramref name="control"/>'s events now (before returning, so no later event is
    /// missed) and records failures until <paramref name="stopping"/> or the end of the stream.</summary>
    public static TaskFailures Follow(IServicesControl control, CancellationToken stopping)
    {
        var failures = new TaskFailures();
        var events = control.EventsAsync(stopping).GetAsyncEnumerator(stopping);
        failures.Following = failures.RunAsync(events, events.MoveNextAsync());
        return failures;
    }

    /// <summary>The last failure of <paramref name="appId"/>, or null.</summary>
    public TaskFailure? Of(string appId) => _last.GetValueOrDefault(appId);

    /// <summary>Applies one event.</summary>
    public void Record(ServiceEvent e)
    {
        var appId = Text(e, "appId");
        if (appId is null) return;
        if (e.Type == "app_terminated_event")
        {
            _last.TryRemove(appId, out _);
            return;
        }
        if (e.Type != "status_update_event" || Text(e, "taskStatus") is not { } state || !FailureStates.Contains(state)) return;
        _last[appId] = new TaskFailure(appId, Text(e, "taskId") ?? "", state, Text(e, "message") ?? "", Text(e, "host") ?? "",
            Text(e, "slaveId") ?? "", Text(e, "version") ?? "", e.At);
    }

    private async Task RunAsync(IAsyncEnumerator<ServiceEvent> events, ValueTask<bool> first)
    {
        try
        {
            for (var more = await first; more; more = await events.MoveNextAsync()) Record(events.Current);
        }
        catch (OperationCanceledException)
        {
            // the host is stopping
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    private static string? Text(ServiceEvent e, string field) => e.Fields.GetValueOrDefault(field) as string;
}
