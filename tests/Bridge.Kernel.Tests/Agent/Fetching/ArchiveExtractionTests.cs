using System.Formats.Tar;
using System.Runtime.Versioning;
using Bridge.Kernel.Agent.Fetching;
using Task = System.Threading.Tasks.Task;
using URI = Bridge.Kernel.V1.CommandInfo.Types.URI;

namespace Bridge.Kernel.Tests.Agent.Fetching;

[SupportedOSPlatform("linux")] // file modes
public class ArchiveExtractionTests
{
    private const UnixFileMode Rwx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly ArchiveEntry[] Sample =
    [
        new("app/", Directory: true),
        new("app/bin/run", "#!/bin/sh\necho run\n", Mode: Rwx),
        new("app/conf/settings", "x=1"),
        new("app/current", LinkTo: "bin/run"),
        new("app/conf/up", LinkTo: "../bin"),
    ];

    private static async Task<(FetcherHarness H, string Sandbox, FetchedUri Fetched)> FetchArchiveAsync(string name, byte[] archive, bool? extract = null)
    {
        var h = await FetcherHarness.StartAsync();
        h.Server.Serve(new Dictionary<string, byte[]> { ["/" + name] = archive });
        var uri = new URI { Value = h.Url("/" + name) };
        if (extract is { } e) uri.Extract = e;
        var sandbox = h.NewSandbox();
        var fetched = Assert.Single(await h.FetchAsync(sandbox, uri));
        return (h, sandbox, fetched);
    }

    private static async Task AssertSampleExtractedAsync(string sandbox)
    {
        Assert.Equal("#!/bin/sh\necho run\n", await File.ReadAllTextAsync(Path.Combine(sandbox, "app/bin/run")));
        Assert.Equal(Rwx, File.GetUnixFileMode(Path.Combine(sandbox, "app/bin/run")));
        Assert.Equal("x=1", await File.ReadAllTextAsync(Path.Combine(sandbox, "app/conf/settings")));
        Assert.Equal("bin/run", new FileInfo(Path.Combine(sandbox, "app/current")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(sandbox, "app/conf/up/run"))); // through the inside link
    }

    [Theory]
    [InlineData("app.tar.gz")]
    [InlineData("app.tgz")]
    [InlineData("app.tar")]
    public async Task Tar_Extracted_WithModesAndLinksInside(string name)
    {
        var archive = name.EndsWith(".tar") ? Archives.Tar(Sample) : Archives.TarGz(Sample);
        var (h, sandbox, fetched) = await FetchArchiveAsync(name, archive);
        await using var _ = h;
        await AssertSampleExtractedAsync(sandbox);
        Assert.Equal(5, fetched.ExtractedEntries);
        Assert.True(File.Exists(fetched.Path)); // the archive stays, as in Mesos
    }

    [Fact]
    public async Task Zip_Extracted_WithModesAndLinksInside()
    {
        var (h, sandbox, fetched) = await FetchArchiveAsync("app.zip", Archives.Zip(Sample));
        await using var _ = h;
        await AssertSampleExtractedAsync(sandbox);
        Assert.Equal(5, fetched.ExtractedEntries);
    }

    [Theory]
    [InlineData("-j", "app.tar.bz2")]
    [InlineData("-J", "app.tar.xz")]
    [InlineData("-J", "app.txz")]
    public async Task TarBz2AndXz_MadeByDebianTar_Extracted(string compression, string name)
    {
        using var source = new TempDirectory();
        Directory.CreateDirectory(source.Combine("app", "bin"));
        await File.WriteAllTextAsync(source.Combine("app", "bin", "run"), "#!/bin/sh\necho run\n");
        File.SetUnixFileMode(source.Combine("app", "bin", "run"), Rwx);
        File.CreateSymbolicLink(source.Combine("app", "current"), "bin/run");

        var (h, sandbox, fetched) = await FetchArchiveAsync(name, Archives.TarWithDebianTar(source.Path, compression));
        await using var _ = h;

        Assert.Equal("#!/bin/sh\necho run\n", await File.ReadAllTextAsync(Path.Combine(sandbox, "app/bin/run")));
        Assert.Equal(Rwx, File.GetUnixFileMode(Path.Combine(sandbox, "app/bin/run")));
        Assert.Equal("bin/run", new FileInfo(Path.Combine(sandbox, "app/current")).LinkTarget);
        Assert.Equal(4, fetched.ExtractedEntries); // app, app/bin, app/bin/run, app/current ("./" is the sandbox itself)
    }

    [Fact]
    public async Task ExtractFalse_KeepsTheArchiveOnly()
    {
        var (h, sandbox, fetched) = await FetchArchiveAsync("app.tar.gz", Archives.TarGz(Sample), extract: false);
        await using var _ = h;
        Assert.Equal(0, fetched.ExtractedEntries);
        Assert.False(Directory.Exists(Path.Combine(sandbox, "app")));
    }

    private const string WrittenOutside = "would be written outside the sandbox (absolute path, '..' or a link leading out)";

    public static TheoryData<ArchiveEntry[], string> Malicious => new()
    {
        { [new("../../escaped", "pwned")], $"entry '../../escaped' {WrittenOutside}" },
        { [new("a/../../../escaped", "pwned")], $"entry 'a/../../../escaped' {WrittenOutside}" },
        { [new("/tmp/bridge-escaped-absolute", "pwned")], $"entry '/tmp/bridge-escaped-absolute' {WrittenOutside}" },
        { [new("out", LinkTo: "../../"), new("out/escaped", "pwned")], "entry 'out' is a link to '../../', which leads out of the sandbox" },
        { [new("etc", LinkTo: "/etc")], "entry 'etc' is a link to '/etc': absolute or empty link targets are refused" },
        // Lexically "here/.." is the sandbox; physically, with here -> ".", it is the sandbox's parent.
        { [new("here", LinkTo: "."), new("up", LinkTo: "here/..")], "entry 'up' is a link to 'here/..', which leads out of the sandbox" },
        // Inside when made (x does not exist yet); out once x -> "." and y exist.
        {
            [new("late", LinkTo: "x/y/../.."), new("x", LinkTo: "."), new("y/", Directory: true)],
            "link 'late' leads out of the sandbox once the archive is extracted"
        },
        { [new("hard", LinkTo: "../../outside.txt", Hard: true)], "entry 'hard' is a hard link to '../../outside.txt', which is outside the sandbox" },
        { [new("link", LinkTo: "."), new("link/../../escaped", "pwned")], $"entry 'link/../../escaped' {WrittenOutside}" },
    };

    [Theory]
    [MemberData(nameof(Malicious))]
    public async Task MaliciousTarGz_Refused_NothingWrittenOutside(ArchiveEntry[] entries, string reason)
    {
        await using var h = await FetcherHarness.StartAsync();
        await File.WriteAllTextAsync(h.Work.Combine("outside.txt"), "secret");
        h.Server.Serve(new Dictionary<string, byte[]> { ["/evil.tar.gz"] = Archives.TarGz(entries) });
        var sandbox = h.NewSandbox();

        var error = await h.FailAsync(sandbox, new URI { Value = h.Url("/evil.tar.gz") });

        Assert.Equal(FetchFailure.BadArchive, error.Failure);
        Assert.Equal($"evil.tar.gz: {reason}", error.Reason);
        Assert.Equal([h.Work.Combine("outside.txt")], h.Outside());
        Assert.False(File.Exists("/tmp/bridge-escaped-absolute"));
        foreach (var link in Directory.EnumerateFileSystemEntries(sandbox).Where(p => new FileInfo(p).LinkTarget is not null))
        {
            var resolved = new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)!.FullName;
            Assert.True(resolved == sandbox || resolved.StartsWith(sandbox + "/", StringComparison.Ordinal), $"{link} -> {resolved}");
        }
    }

    [Fact]
    public async Task MaliciousZip_DotDot_Refused()
    {
        await using var h = await FetcherHarness.StartAsync();
        h.Server.Serve(new Dictionary<string, byte[]> { ["/evil.zip"] = Archives.Zip(new ArchiveEntry("../../zip-escaped", "pwned")) });
        var error = await h.FailAsync(h.NewSandbox(), new URI { Value = h.Url("/evil.zip") });
        Assert.Equal(FetchFailure.BadArchive, error.Failure);
        Assert.Contains("entry '../../zip-escaped' would be written outside the sandbox", error.Reason);
        Assert.Empty(h.Outside());
    }

    [Fact]
    public async Task HardLinkToAnEarlierEntry_WrittenAsACopy()
    {
        var (h, sandbox, _) = await FetchArchiveAsync("links.tar.gz",
            Archives.TarGz(new ArchiveEntry("data", "same"), new ArchiveEntry("again", LinkTo: "data", Hard: true)));
        await using var _h = h;
        Assert.Equal("same", await File.ReadAllTextAsync(Path.Combine(sandbox, "again")));
    }

    [Fact]
    public async Task LaterEntries_ReplaceEarlierOnes_NeverWritingThroughALink()
    {
        var (h, sandbox, _) = await FetchArchiveAsync("replace.tar", Archives.Tar(
            new ArchiveEntry("a", "one"), new ArchiveEntry("a", LinkTo: "b"), new ArchiveEntry("b", "two"),
            new ArchiveEntry("c", LinkTo: "b"), new ArchiveEntry("c", "three")));
        await using var _h = h;
        Assert.Equal(("b", "two"), (new FileInfo(Path.Combine(sandbox, "a")).LinkTarget, await File.ReadAllTextAsync(Path.Combine(sandbox, "a"))));
        Assert.Equal((null, "three"), (new FileInfo(Path.Combine(sandbox, "c")).LinkTarget, await File.ReadAllTextAsync(Path.Combine(sandbox, "c"))));
        Assert.Equal("two", await File.ReadAllTextAsync(Path.Combine(sandbox, "b")));
    }

    [Fact]
    public async Task DeviceEntry_Refused()
    {
        using var buffer = new MemoryStream();
        await using (var writer = new TarWriter(buffer, leaveOpen: true))
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.CharacterDevice, "null") { DeviceMajor = 1, DeviceMinor = 3 });
        await using var h = await FetcherHarness.StartAsync();
        h.Server.Serve(new Dictionary<string, byte[]> { ["/dev.tar"] = buffer.ToArray() });
        var error = await h.FailAsync(h.NewSandbox(), new URI { Value = h.Url("/dev.tar") });
        Assert.Equal("dev.tar: entry 'null' is a device or FIFO, which the fetcher does not extract", error.Reason);
    }

    [Theory]
    [InlineData("broken.tar.gz", "not a valid gzip-compressed tar archive")]
    [InlineData("broken.zip", "not a valid zip archive")]
    [InlineData("broken.tar.xz", "xz could not decompress it (status 1)")]
    [InlineData("broken.tar.bz2", "bzip2 could not decompress it (status 2)")]
    public async Task CorruptArchive_FailsAsBadArchive(string name, string reason)
    {
        await using var h = await FetcherHarness.StartAsync();
        h.Server.Serve(new Dictionary<string, byte[]> { ["/" + name] = "this is not an archive at all, just text"u8.ToArray() });
        var error = await h.FailAsync(h.NewSandbox(), new URI { Value = h.Url("/" + name) });
        Assert.Equal(FetchFailure.BadArchive, error.Failure);
        Assert.StartsWith($"{name}: {reason}", error.Reason);
    }

    [Fact]
    public async Task ExtractedContentOverLimit_FailsAsTooLarge()
    {
        await using var h = await FetcherHarness.StartAsync(new FetchLimits { MaxExtractedBytesPerUri = 50_000 });
        var bomb = Archives.TarGz(new ArchiveEntry("zeros", new string('0', 100_000)));
        Assert.True(bomb.Length < 5_000, $"{bomb.Length} bytes");
        h.Server.Serve(new Dictionary<string, byte[]> { ["/bomb.tgz"] = bomb });
        var error = await h.FailAsync(h.NewSandbox(), new URI { Value = h.Url("/bomb.tgz") });
        Assert.Equal(FetchFailure.TooLarge, error.Failure);
        Assert.Equal("bomb.tgz: extracting 'zeros' takes the archive past the limit of 50000 bytes", error.Reason);
    }
}
