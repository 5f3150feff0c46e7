using Bridge.Kernel.V1;

namespace Bridge.Kernel.Protocol;

/// <summary>Mesos' classification of task states.</summary>
public static class TaskStates
{
    /// <summary>True for states a task never leaves: FINISHED, FAILED, KILLED, ERROR, LOST, DROPPED,
    /// GONE, GONE_BY_OPERATOR. UNREACHABLE and UNKNOWN are not terminal: the task may come back.</summary>
    public static bool IsTerminal(TaskState state) => state is TaskState.TaskFinished or TaskState.TaskFailed or TaskState.TaskKilled
        or TaskState.TaskError or TaskState.TaskLost or TaskState.TaskDropped or TaskState.TaskGone or TaskState.TaskGoneByOperator;

    /// <summary>Mesos' name of a state (<c>TASK_RUNNING</c>), as the JSON APIs and logs show it.</summary>
    public static string Name(TaskState state) =>
        BridgeReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("TaskState").FindValueByNumber((int)state)?.Name ?? state.ToString();
}

/// <summary>Mesos' rules for ids (<c>common/validation.cpp</c>): what a framework may call a task or executor.</summary>
public static class IdValidation
{
    /// <summary>Null when <paramref name="id"/> is a valid id; otherwise why not. Valid: 1–255 characters,
    /// not "." or "..", no '/', '\', whitespace or control characters (ids become sandbox path segments).</summary>
    public static string? Validate(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "is empty";
        if (id.Length > 255) return "is longer than 255 characters";
        if (id is "." or "..") return $"'{id}' is not allowed";
        foreach (var c in id)
            if (c is '/' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c))
                return $"'{id}' contains '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}' (no '/', '\\', whitespace or control characters)";
        return null;
    }
}
