namespace Bridge.Yarn.Applications.Tests;

/// <summary>A fresh directory under the system temp, deleted on Dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("bridge-yarn-apps-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="relative"/>, creating directories.</summary>
    public string Write(string relative, byte[] bytes)
    {
        string full = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    public string Write(string relative, string text) => Write(relative, System.Text.Encoding.UTF8.GetBytes(text));

    public void Dispose() => Directory.Delete(Path, recursive: true);

    /// <summary>The repository root (the directory holding Bridge.sln above the test assembly).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
            return directory?.FullName ?? throw new FileNotFoundException($"no Bridge.sln above {AppContext.BaseDirectory}");
        }
    }
}
