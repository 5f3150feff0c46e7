namespace Bridge.Eventing.Security.Tests;

public class KeyRingTests
{
    [Fact]
    public void Parse_KeyNot32Bytes_NamesTheLine()
    {
        var e = Assert.Throws<KeyFileException>(() => KeyRing.Parse($"k1 {TestKeys.Base64(0)}\n# c\nk2 {TestKeys.Base64(0, 31)}"));
        Assert.Equal(3, e.LineNumber);
        Assert.Contains("exactly 32 bytes", e.Message);
    }

    [Fact]
    public void Rotate_AddsAFreshActiveKeyAndKeepsTheOld()
    {
        var ring = KeyRing.Parse(TestKeys.TwoKeys);
        var rotated = ring.Rotate("k3");
        Assert.Equal("k3", rotated.ActiveKeyId);
        Assert.Equal(["k1", "k2", "k3"], rotated.KeyIds);
        Assert.Equal("k2", ring.ActiveKeyId); // the old ring is unchanged
        Assert.Throws<ArgumentException>(() => rotated.Rotate("k1"));
        Assert.Throws<ArgumentException>(() => rotated.Rotate("bad id"));
    }

    [Fact]
    public void Generate_TwoRings_HaveDifferentKeys() =>
        Assert.NotEqual(KeyRing.Generate("a").KeyFile.Active.Key, KeyRing.Generate("a").KeyFile.Active.Key);

    [Fact]
    public void CreateFile_WritesA0600RingThatLoads_AndNeverOverwrites()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-ring-");
        try
        {
            var path = Path.Combine(dir.FullName, "bus.keys");
            var ring = KeyRing.CreateFile(path, "dev1");
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var loaded = KeyRing.Load(path);
            Assert.Equal("dev1", loaded.ActiveKeyId);
            Assert.Equal(ring.KeyFile.Active.Key, loaded.KeyFile.Active.Key);
            Assert.Equal(32, loaded.KeyFile.Active.Key.Length);
            Assert.Throws<IOException>(() => KeyRing.CreateFile(path, "dev2"));
            Assert.Equal("dev1", KeyRing.Load(path).ActiveKeyId);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void FromEnvironment_UnsetIsNull_SetIsParsed()
    {
        var name = $"BRIDGE_TEST_RING_{Guid.NewGuid():N}";
        Assert.Null(KeyRing.FromEnvironment(name));
        try
        {
            Environment.SetEnvironmentVariable(name, TestKeys.TwoKeys.Replace('\n', ';'));
            Assert.Equal("k2", KeyRing.FromEnvironment(name)!.ActiveKeyId);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
