using System.Text;

namespace Bridge.Yarn.Applications.MapReduce;

/// <summary>
/// The job output directory's life, after Hadoop's <c>FileOutputFormat.checkOutputSpecs</c> and
/// <c>FileOutputCommitter</c>: the directory must not exist before the job; tasks write under
/// <c>OUTPUT/_temporary/</c> and a task's commit renames its file into <c>OUTPUT/</c> (replacing an
/// earlier attempt's); the job's commit removes <c>_temporary</c> and writes an empty <c>_SUCCESS</c>.
/// Readers that skip hidden names (<c>_</c>, <c>.</c>) see only committed output.
/// </summary>
public static class FileOutputCommitter
{
    /// <summary>The marker the job commit writes: <c>_SUCCESS</c>, empty.</summary>
    public const string SuccessFileName = "_SUCCESS";

    /// <summary>Where tasks write before committing: <c>_temporary</c>.</summary>
    public const string TemporaryDirectoryName = "_temporary";

    /// <summary>
    /// Creates <paramref name="outputDirectory"/> and its <c>_temporary</c>, unless it exists
    /// (then <paramref name="error"/> says so, as Hadoop's <c>FileAlreadyExistsException</c>:
    /// "Output directory ... already exists").
    /// </summary>
    public static bool TrySetupJob(string outputDirectory, out string? error)
    {
        string full = Path.GetFullPath(outputDirectory);
        if (Directory.Exists(full) || File.Exists(full))
        {
            error = $"Output directory {full} already exists";
            return false;
        }
        Directory.CreateDirectory(Path.Combine(full, TemporaryDirectoryName));
        error = null;
        return true;
    }

    /// <summary>A fresh temporary path for one attempt at writing <paramref name="fileName"/>, under <c>_temporary</c> (created when missing).</summary>
    public static string TaskAttemptPath(string outputDirectory, string fileName)
    {
        string temporary = Path.Combine(outputDirectory, TemporaryDirectoryName);
        Directory.CreateDirectory(temporary);
        return Path.Combine(temporary, $"{fileName}.attempt-{Guid.NewGuid():N}");
    }

    /// <summary>Writes <paramref name="lines"/> (each followed by LF, UTF-8) as <c>OUTPUT/fileName</c>: to an attempt path, then renamed into place.</summary>
    /// <returns>The committed file's path.</returns>
    public static string WriteAndCommit(string outputDirectory, string fileName, IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        string attempt = TaskAttemptPath(outputDirectory, fileName);
        try
        {
            using (var writer = new StreamWriter(attempt, append: false, new UTF8Encoding(false), 1 << 16))
            {
                writer.NewLine = "\n";
                foreach (var line in lines) writer.WriteLine(line);
            }
            string final = Path.Combine(outputDirectory, fileName);
            File.Move(attempt, final, overwrite: true);
            return final;
        }
        finally
        {
            File.Delete(attempt);
        }
    }

    /// <summary>Commits the job: deletes <c>_temporary</c> (intermediate files included) and writes an empty <c>_SUCCESS</c>.</summary>
    public static void CommitJob(string outputDirectory)
    {
        string temporary = Path.Combine(outputDirectory, TemporaryDirectoryName);
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        File.WriteAllBytes(Path.Combine(outputDirectory, SuccessFileName), []);
    }
}
