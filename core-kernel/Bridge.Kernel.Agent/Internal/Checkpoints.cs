using Bridge.Kernel.V1;
using Bridge.Kernel.V1.Agent;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Bridge.Kernel.Agent.Internal;

/// <summary>A framework found in the checkpoints, with its executors and tasks.</summary>
internal sealed record RecoveredFramework(FrameworkInfo Info, IReadOnlyList<ExecutorCheckpoint> Executors, IReadOnlyList<RecoveredTask> Tasks);

/// <summary>A task found in the checkpoints, with its status update records in the order written.</summary>
internal sealed record RecoveredTask(TaskCheckpoint Checkpoint, IReadOnlyList<StatusUpdateRecord> Updates);

/// <summary>
/// The agent's checkpoints under <c>WORK_DIR/meta</c> (Mesos' agent checkpointing, src/slave/paths.hpp):
/// <c>agent.id</c>; per framework <c>frameworks/F/framework.pb</c> (FrameworkInfo); per custom
/// executor <c>frameworks/F/executors/E/executor.pb</c> (<see cref="ExecutorCheckpoint"/>); per task
/// <c>frameworks/F/tasks/T/task.pb</c> (<see cref="TaskCheckpoint"/>) and <c>updates</c>, an appended
/// log of length-delimited <see cref="StatusUpdateRecord"/>s. Whole files are replaced atomically
/// (write, then rename); a torn last record of an update log is ignored on reading. Writes are not
/// fsynced: they survive the agent process dying, which is what checkpoints are for (a machine
/// crash takes the tasks with it). Ids are safe path components (see <c>IdValidation</c>).
/// Used from the agent's loop only.
/// </summary>
internal sealed class Checkpoints(string workDir, ILogger logger)
{
    private readonly string _meta = Path.Combine(workDir, "meta");

    private string FrameworkDir(FrameworkId f) => Path.Combine(_meta, "frameworks", f.Value);

    private string TaskDir(FrameworkId f, TaskId t) => Path.Combine(FrameworkDir(f), "tasks", t.Value);

    private string ExecutorDir(FrameworkId f, ExecutorId e) => Path.Combine(FrameworkDir(f), "executors", e.Value);

    /// <summary>The id the master gave this agent, or null for a new agent.</summary>
    public AgentId? ReadAgentId()
    {
        var path = Path.Combine(_meta, "agent.id");
        return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } id ? new AgentId(id) : null;
    }

    /// <summary>Records the agent's id (after REGISTERED).</summary>
    public void WriteAgentId(AgentId id) => Replace(Path.Combine(_meta, "agent.id"), System.Text.Encoding.UTF8.GetBytes(id.Value));

    /// <summary>Forgets the agent's id and everything under it (the master refused the agent: it starts over).</summary>
    public void Clear()
    {
        if (Directory.Exists(_meta)) Directory.Delete(_meta, recursive: true);
    }

    /// <summary>Records a framework's info (on its first task here and whenever it changes).</summary>
    public void WriteFramework(FrameworkInfo info) =>
        Replace(Path.Combine(FrameworkDir(new FrameworkId(info.Id.Value)), "framework.pb"), info.ToByteArray());

    /// <summary>Records a task before it is launched.</summary>
    public void WriteTask(FrameworkId framework, TaskCheckpoint task) =>
        Replace(Path.Combine(TaskDir(framework, new TaskId(task.Task.TaskId.Value)), "task.pb"), task.ToByteArray());

    /// <summary>Records a custom executor before it is launched.</summary>
    public void WriteExecutor(FrameworkId framework, ExecutorCheckpoint executor) =>
        Replace(Path.Combine(ExecutorDir(framework, new ExecutorId(executor.Executor.ExecutorId.Value)), "executor.pb"), executor.ToByteArray());

    /// <summary>Appends a status update record to a task's log.</summary>
    public void AppendUpdate(FrameworkId framework, TaskId task, StatusUpdateRecord record)
    {
        var dir = TaskDir(framework, task);
        Directory.CreateDirectory(dir);
        using var file = new FileStream(Path.Combine(dir, "updates"), FileMode.Append, FileAccess.Write, FileShare.Read);
        record.WriteDelimitedTo(file);
    }

    /// <summary>Forgets a task (it is terminal and its last update was acknowledged).</summary>
    public void RemoveTask(FrameworkId framework, TaskId task) => Delete(TaskDir(framework, task));

    /// <summary>Forgets a custom executor (its process ended).</summary>
    public void RemoveExecutor(FrameworkId framework, ExecutorId executor) => Delete(ExecutorDir(framework, executor));

    /// <summary>Forgets a framework with everything under it.</summary>
    public void RemoveFramework(FrameworkId framework) => Delete(FrameworkDir(framework));

    /// <summary>Everything checkpointed. Unreadable files are logged and skipped: a damaged
    /// checkpoint costs that one task or executor, never the agent's start.</summary>
    public IReadOnlyList<RecoveredFramework> Read()
    {
        var root = Path.Combine(_meta, "frameworks");
        if (!Directory.Exists(root)) return [];
        var frameworks = new List<RecoveredFramework>();
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            if (Parse(Path.Combine(dir, "framework.pb"), FrameworkInfo.Parser) is not { } info) continue;
            var executors = SubDirectories(dir, "executors")
                .Select(d => Parse(Path.Combine(d, "executor.pb"), ExecutorCheckpoint.Parser)).OfType<ExecutorCheckpoint>().ToList();
            var tasks = new List<RecoveredTask>();
            foreach (var taskDir in SubDirectories(dir, "tasks"))
                if (Parse(Path.Combine(taskDir, "task.pb"), TaskCheckpoint.Parser) is { } task)
                    tasks.Add(new RecoveredTask(task, ReadUpdates(Path.Combine(taskDir, "updates"))));
            frameworks.Add(new RecoveredFramework(info, executors, tasks));
        }
        return frameworks;
    }

    /// <summary>The records of an update log; stops at the first torn or unreadable record.</summary>
    internal static IReadOnlyList<StatusUpdateRecord> ReadUpdates(string path)
    {
        if (!File.Exists(path)) return [];
        var records = new List<StatusUpdateRecord>();
        using var file = File.OpenRead(path);
        while (file.Position < file.Length)
        {
            try
            {
                records.Add(StatusUpdateRecord.Parser.ParseDelimitedFrom(file));
            }
            catch (InvalidProtocolBufferException)
            {
                break; // the agent died while appending: the record never counted
            }
        }
        return records;
    }

    private static IEnumerable<string> SubDirectories(string dir, string name) =>
        Directory.Exists(Path.Combine(dir, name)) ? Directory.EnumerateDirectories(Path.Combine(dir, name)) : [];

    private T? Parse<T>(string path, MessageParser<T> parser) where T : class, IMessage<T>
    {
        try
        {
            return File.Exists(path) ? parser.ParseFrom(File.ReadAllBytes(path)) : null;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or IOException)
        {
            logger.LogWarning("Skipping the unreadable checkpoint {Path}: {Error}", path, e.Message);
            return null;
        }
    }

    private static void Replace(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    private static void Delete(string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
