namespace Bridge.Traces.Tests;

/// <summary>Files of the repository the tests read (found by walking up to Bridge.sln).</summary>
internal static class RepositoryFiles
{
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
            return directory?.FullName ?? throw new FileNotFoundException($"no Bridge.sln above {AppContext.BaseDirectory}");
        }
    }

    public static string AlibabaBatchTasks => Path.Combine(Root, "examples", "data", "alibaba-2017-batch_task.csv.gz");
}
