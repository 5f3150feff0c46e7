using System.Globalization;
using Bridge.Schedulers.Jobs.Definitions;
using Bridge.Schedulers.Jobs.Runs;
using Microsoft.Data.Sqlite;

namespace Bridge.Schedulers.Jobs.State;

/// <summary>The store's rows: a job and a run, written and read back.</summary>
public sealed partial class JobsStore
{
    private const string JobColumns = "name, definition, success_count, error_count, last_success, last_error, "
        + "errors_since_last_success, scheduled_from, handled_until, last_run_number, last_run_created";

    private const string RunColumns = "task_id, job, number, attempt, trigger, due_at, state, created_at, launched_at, "
        + "started_at, ended_at, skip_reason, message, exit_code, agent_id, hostname, kill_requested, agent_url, sandbox, arguments";

    private void SaveJob(JobState job, SqliteTransaction tx)
    {
        using var write = Command($"""
            INSERT OR REPLACE INTO jobs ({JobColumns})
            VALUES ($name, $definition, $successes, $errors, $lastSuccess, $lastError, $errorsSince, $from, $until, $number, $created)
            """, tx);
        var status = job.Status;
        write.Parameters.AddWithValue("$name", job.Definition.Name.Value);
        write.Parameters.AddWithValue("$definition", JobJson.Write(job.Definition));
        write.Parameters.AddWithValue("$successes", status.SuccessCount);
        write.Parameters.AddWithValue("$errors", status.ErrorCount);
        write.Parameters.AddWithValue("$lastSuccess", Text(status.LastSuccess));
        write.Parameters.AddWithValue("$lastError", Text(status.LastError));
        write.Parameters.AddWithValue("$errorsSince", status.ErrorsSinceLastSuccess);
        write.Parameters.AddWithValue("$from", Text(job.ScheduledFrom));
        write.Parameters.AddWithValue("$until", Text(job.HandledUntil));
        write.Parameters.AddWithValue("$number", job.LastRunNumber);
        write.Parameters.AddWithValue("$created", Text(job.LastRunCreated));
        write.ExecuteNonQuery();
    }

    private static JobState ReadJob(SqliteDataReader rows, IEnumerable<Run> runs, int historyLimit)
    {
        var name = rows.GetString(0);
        var parsed = JobJson.Parse(rows.GetString(1));
        var definition = parsed.Definition
            ?? throw new InvalidOperationException($"jobs state: job {name} does not parse: {string.Join("; ", parsed.Errors)}");
        var status = new JobStatus(rows.GetInt64(2), rows.GetInt64(3), OptionalTime(rows, 4), OptionalTime(rows, 5), rows.GetInt64(6));
        return new JobState(definition, status, Time(rows.GetString(7)), Time(rows.GetString(8)), rows.GetInt64(9),
            OptionalTime(rows, 10), runs, historyLimit);
    }

    private void SaveRun(Run run, SqliteTransaction tx)
    {
        using var write = Command($"""
            INSERT OR REPLACE INTO runs ({RunColumns})
            VALUES ($task, $job, $number, $attempt, $trigger, $due, $state, $created, $launched, $started, $ended, $skip,
                $message, $exit, $agent, $host, $kill, $url, $sandbox, $arguments)
            """, tx);
        write.Parameters.AddWithValue("$task", run.TaskId);
        write.Parameters.AddWithValue("$job", run.Job.Value);
        write.Parameters.AddWithValue("$number", run.Number);
        write.Parameters.AddWithValue("$attempt", run.Attempt);
        write.Parameters.AddWithValue("$trigger", run.Trigger.ToString());
        write.Parameters.AddWithValue("$due", Text(run.DueAt));
        write.Parameters.AddWithValue("$state", run.State.ToString());
        write.Parameters.AddWithValue("$created", Text(run.CreatedAt));
        write.Parameters.AddWithValue("$launched", Text(run.LaunchedAt));
        write.Parameters.AddWithValue("$started", Text(run.StartedAt));
        write.Parameters.AddWithValue("$ended", Text(run.EndedAt));
        write.Parameters.AddWithValue("$skip", run.SkipReason.ToString());
        write.Parameters.AddWithValue("$message", (object?)run.Message ?? DBNull.Value);
        write.Parameters.AddWithValue("$exit", run.ExitCode is { } code ? code : DBNull.Value);
        write.Parameters.AddWithValue("$agent", (object?)run.AgentId ?? DBNull.Value);
        write.Parameters.AddWithValue("$host", (object?)run.Hostname ?? DBNull.Value);
        write.Parameters.AddWithValue("$kill", run.KillRequested ? 1 : 0);
        write.Parameters.AddWithValue("$url", (object?)run.AgentUrl ?? DBNull.Value);
        write.Parameters.AddWithValue("$sandbox", (object?)run.Sandbox ?? DBNull.Value);
        write.Parameters.AddWithValue("$arguments", (object?)run.Arguments ?? DBNull.Value);
        write.ExecuteNonQuery();
    }

    private static Run ReadRun(SqliteDataReader rows)
    {
        var taskId = rows.GetString(0);
        try
        {
            return new Run
            {
                TaskId = taskId,
                Job = JobName.Parse(rows.GetString(1)),
                Number = rows.GetInt64(2),
                Attempt = rows.GetInt32(3),
                Trigger = Enum.Parse<RunTrigger>(rows.GetString(4)),
                DueAt = Time(rows.GetString(5)),
                State = Enum.Parse<RunState>(rows.GetString(6)),
                CreatedAt = Time(rows.GetString(7)),
                LaunchedAt = OptionalTime(rows, 8),
                StartedAt = OptionalTime(rows, 9),
                EndedAt = OptionalTime(rows, 10),
                SkipReason = Enum.Parse<RunSkipReason>(rows.GetString(11)),
                Message = rows.IsDBNull(12) ? null : rows.GetString(12),
                ExitCode = rows.IsDBNull(13) ? null : rows.GetInt32(13),
                AgentId = rows.IsDBNull(14) ? null : rows.GetString(14),
                Hostname = rows.IsDBNull(15) ? null : rows.GetString(15),
                KillRequested = rows.GetInt64(16) != 0,
                AgentUrl = rows.IsDBNull(17) ? null : rows.GetString(17),
                Sandbox = rows.IsDBNull(18) ? null : rows.GetString(18),
                Arguments = rows.IsDBNull(19) ? null : rows.GetString(19),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new InvalidOperationException($"jobs state: run {taskId} does not parse: {e.Message}", e);
        }
    }

    private static string Text(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static object Text(DateTimeOffset? time) => time is { } t ? Text(t) : DBNull.Value;

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static DateTimeOffset? OptionalTime(SqliteDataReader rows, int column) => rows.IsDBNull(column) ? null : Time(rows.GetString(column));
}
