using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Instances;

/// <summary>
/// Marathon's task ids: the app's path without its leading '/', with '/' replaced by '_', a '.', and
/// a UUID (<c>/product/web</c> → <c>product_web.0f8b...</c>). Marathon's app id segments never contain
/// '_' (lowercase letters, digits, '-' and '.'), so the mapping reverses: the app is the part before
/// the last '.', with '_' back to '/'.
/// </summary>
public static class TaskIds
{
    /// <summary>A new task id for an instance of <paramref name="appId"/>.</summary>
    public static string New(AppId appId, Guid uuid) => $"{appId.Value.TrimStart('/').Replace('/', '_')}.{uuid:D}";

    /// <summary>The app id a task id belongs to, or null when <paramref name="taskId"/> is not a Marathon task id.</summary>
    public static AppId? AppIdOf(string taskId)
    {
        var dot = taskId.LastIndexOf('.');
        if (dot <= 0 || !Guid.TryParseExact(taskId.AsSpan(dot + 1), "D", out _)) return null;
        return AppId.TryParse(taskId[..dot].Replace('_', '/'), out var id, out _) ? id : null;
    }
}
