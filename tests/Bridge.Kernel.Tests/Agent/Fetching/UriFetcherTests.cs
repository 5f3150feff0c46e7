using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Runtime.Versioning;
using Bridge.Kernel.Agent.Fetching;
using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;
using URI = Bridge.Kernel.V1.CommandInfo.Types.URI;

namespace Bridge.Kernel.Tests.Agent.Fetching;

[SupportedOSPlatform("linux")] // file modes
public class UriFetcherTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Http_File_LandsUnderItsLastSegment_AndIsLogged()
    {
        await using var h = await FetcherHarness.StartAsync();
        h.Server.Serve(new Dictionary<string, byte[]> { ["/files/run.sh"] = Bytes("echo hi\n") });
        var sandbox = h.NewSandbox();

        var fetched = Assert.Single(await h.FetchAsync(sandbox, new URI { Value = h.Url("/files/run.sh") }));

        Assert.Equal(Path.Combine(sandbox, "run.sh"), fetched.Path);
        Assert.Equal("echo hi\n", await File.ReadAllTextAsync(fetched.Path));
        Assert.Equal(8, fetched.Bytes);
        Assert.False(fetched.FromCache);
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(fetched.Path) & UnixFileMode.UserExecute);
        var log = await File.ReadAllTextAsync(Path.Combine(sandbox, "stderr"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT[\d:.]+Z fetcher: Fetched 'http://127\.0\.0\.1:\d+/files/run\.sh' to 'run\.sh' \(8 bytes\)\n$", log);
        Assert.Equal(["run.sh", "stderr"], Directory.GetFileSystemEntries(sandbox).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task LocalPathAndFileUri_Copied_OutputFileNamesThem()
    {
        await using var h = await FetcherHarness.StartAsync();
        var source = h.Work.Combine("data.txt");
        await File.WriteAllTextAsync(source, "local");
        var sandbox = h.NewSandbox();

        var fetched = await h.FetchAsync(sandbox,
            new URI { Value = source },
            new URI { Value = new Uri(source).AbsoluteUri, OutputFile = "conf/copy.txt" });

        Assert.Equal("local", await File.ReadAllTextAsync(Path.Combine(sandbox, "data.txt")));
        Assert.Equal("local", await File.ReadAllTextAsync(Path.Combine(sandbox, "conf", "copy.txt")));
        Assert.Equal(Path.Combine(sandbox, "conf", "copy.txt"), fetched[1].Path);
        Assert.Equal("local", await File.ReadAllTextAsync(source)); // copied, not moved
    }

    [Fact]
    public async Task Executable_SetsMode0755_AndIsNotExtracted()
    {
        await using var h = await FetcherHarness.StartAsync();
        h.Server.Serve(new Dictionary<string, byte[]> { ["/tool.tar.gz"] = Archives.TarGz(new ArchiveEntry("inner", "x")) });
        var sandbox = h.NewSandbox();

        var fetched = Assert.Single(await h.FetchAsync(sandbox, new URI { Value = h.Url("/tool.tar.gz"), Executable = true }));

        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(fetched.Path));
        Assert.Equal(0, fetched.ExtractedEntries);
        Assert.False(File.Exists(Path.Combine(sandbox, "inner")));
    }

    [Fact]
    public async Task Http404_FailsAsNotFound_NamingTheUri()
    {
        await using var h = await FetcherHarness.StartAsync();
        h.Server.Serve(new Dictionary<string, byte[]>());
        var sandbox = h.NewSandbox();
        var url = h.Url("/missing.bin");

        var error = await h.FailAsync(sandbox, new URI { Value = url });

        Assert.Equal(FetchFailure.NotFound, error.Failure);
        Assert.Equal(404, error.HttpStatus);
        Assert.Equal($"Failed to fetch '{url}': HTTP 404 Not Found", error.Message);
        Assert.EndsWith($"fetcher: Failed to fetch '{url}': HTTP 404 Not Found\n", await File.ReadAllTextAsync(Path.Combine(sandbox, "stderr")));
        Assert.False(File.Exists(Path.Combine(sandbox, "missing.bin")));
    }

    [Fact]
    public async Task Http500_FailsAsHttpError()
    {
        await using var h = await FetcherHarness.StartAsync();
        h.Server.Handler = context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        var error = await h.FailAsync(h.NewSandbox(), new URI { Value = h.Url("/x") });
        Assert.Equal(FetchFailure.HttpError, error.Failure);
        Assert.Equal("HTTP 500 Internal Server Error", error.Reason);
    }

    [Fact]
    public async Task ServerUnreachable_FailsAsHttpError()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var h = await FetcherHarness.StartAsync();
        var error = await h.FailAsync(h.NewSandbox(), new URI { Value = $"http://127.0.0.1:{port}/a" });
        Assert.Equal(FetchFailure.HttpError, error.Failure);
        Assert.Contains($"GET http://127.0.0.1:{port}/a failed", error.Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OverSizeLimit_FailsAsTooLarge_LeavingNothing(bool chunked)
    {
        await using var h = await FetcherHarness.StartAsync(new FetchLimits { MaxBytesPerUri = 1000 });
        h.Server.Serve(new Dictionary<string, byte[]> { ["/big"] = new byte[1001], ["/fits"] = new byte[1000] }, chunked);
        var sandbox = h.NewSandbox();

        var error = await h.FailAsync(sandbox, new URI { Value = h.Url("/big") });

        Assert.Equal(FetchFailure.TooLarge, error.Failure);
        Assert.Contains("the limit of 1000 bytes per URI", error.Reason);
        Assert.Equal(["stderr"], Directory.GetFileSystemEntries(sandbox).Select(Path.GetFileName));
        Assert.Equal(1000, Assert.Single(await h.FetchAsync(sandbox, new URI { Value = h.Url("/fits") })).Bytes);
    }

    [Fact]
    public async Task LocalFileOverSizeLimit_FailsAsTooLarge()
    {
        await using var h = await FetcherHarness.StartAsync(new FetchLimits { MaxBytesPerUri = 10 });
        var source = h.Work.Combine("eleven");
        await File.WriteAllBytesAsync(source, new byte[11]);
        var error = await h.FailAsync(h.NewSandbox(), new URI { Value = source });
        Assert.Equal(FetchFailure.TooLarge, error.Failure);
        Assert.Equal("11 bytes is more than the limit of 10 bytes per URI", error.Reason);
    }

    [Theory]
    [InlineData("hdfs://namenode/app.jar", FetchFailure.UnsupportedScheme, "scheme 'hdfs' is not supported (absolute paths, file://, http://, https://)")]
    [InlineData("ftp://host/app.jar", FetchFailure.UnsupportedScheme, "scheme 'ftp' is not supported (absolute paths, file://, http://, https://)")]
    [InlineData("relative/app.jar", FetchFailure.InvalidUri, "neither an absolute path nor a URL (file://, http://, https://)")]
    [InlineData("", FetchFailure.InvalidUri, "the URI is empty")]
    [InlineData("file://otherhost/x", FetchFailure.InvalidUri, "file:// URIs must name a local file, not one on host 'otherhost'")]
    [InlineData("/no/such/file/anywhere", FetchFailure.NotFound, "no such file: /no/such/file/anywhere")]
    [InlineData("http://127.0.0.1:1/", FetchFailure.InvalidUri, "the URI names no file; set output_file")]
    public async Task BadUri_FailsWithAPreciseReason(string value, FetchFailure failure, string reason)
    {
        await using var h = await FetcherHarness.StartAsync();
        var error = await h.FailAsync(h.NewSandbox(), new URI { Value = value });
        Assert.Equal((failure, reason, value), (error.Failure, error.Reason, error.Uri));
    }

    [Theory]
    [InlineData("../escaped")]
    [InlineData("/etc/escaped")]
    [InlineData("a/../../escaped")]
    public async Task OutputFileOutsideTheSandbox_Refused(string outputFile)
    {
        await using var h = await FetcherHarness.StartAsync();
        var source = h.Work.Combine("data.txt");
        await File.WriteAllTextAsync(source, "x");
        var error = await h.FailAsync(h.NewSandbox(), new URI { Value = source, OutputFile = outputFile });
        Assert.Equal(FetchFailure.InvalidUri, error.Failure);
        Assert.Equal($"output_file '{outputFile}' is not a relative path inside the sandbox", error.Reason);
        Assert.Equal([source], h.Outside());
    }

    [Fact]
    public async Task FailureInTheMiddle_StopsThere_EarlierFilesStay()
    {
        await using var h = await FetcherHarness.StartAsync();
        h.Server.Serve(new Dictionary<string, byte[]> { ["/a"] = Bytes("a"), ["/c"] = Bytes("c") });
        var sandbox = h.NewSandbox();
        var error = await h.FailAsync(sandbox, new URI { Value = h.Url("/a") }, new URI { Value = h.Url("/b") }, new URI { Value = h.Url("/c") });
        Assert.Equal(h.Url("/b"), error.Uri);
        Assert.True(File.Exists(Path.Combine(sandbox, "a")));
        Assert.False(File.Exists(Path.Combine(sandbox, "c")));
        Assert.Equal(0, h.Server.Hits("/c"));
    }
}
