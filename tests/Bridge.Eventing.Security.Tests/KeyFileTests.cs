namespace Bridge.Eventing.Security.Tests;

public class KeyFileTests
{
    [Fact]
    public void Parse_ActiveLine_NamesTheActiveKey()
    {
        var file = KeyFile.Parse($"k1 {TestKeys.Base64(0)}\nactive k1\nk2 {TestKeys.Base64(100)}\n");
        Assert.Equal(["k1", "k2"], file.Entries.Select(e => e.KeyId));
        Assert.Equal("k1", file.ActiveKeyId);
        Assert.Equal(TestKeys.Bytes(0), file.Active.Key);
        Assert.Equal(1, file.Entries[0].Line);
        Assert.Equal(3, file.Entries[1].Line);
    }

    [Fact]
    public void Parse_NoActiveLine_LastEntryIsActive() => Assert.Equal("k2", KeyFile.Parse(TestKeys.TwoKeys).ActiveKeyId);

    [Fact]
    public void Parse_CommentsBlankLinesTabsAndCrLf_AreIgnored()
    {
        var text = $"# record keys\r\n\r\n   \r\nk1\t{TestKeys.Base64(0)}   # the first\r\n#k9 {TestKeys.Base64(9)}\r\n";
        var file = KeyFile.Parse(text);
        Assert.Equal("k1", Assert.Single(file.Entries).KeyId);
        Assert.Equal(TestKeys.Bytes(0), file.Entries[0].Key);
    }

    [Fact]
    public void Parse_SemicolonSeparated_WholeSetOnOneLine()
    {
        var file = KeyFile.Parse($"k1 {TestKeys.Base64(0)}; k2 {TestKeys.Base64(100)};active k1;");
        Assert.Equal(["k1", "k2"], file.Entries.Select(e => e.KeyId));
        Assert.Equal("k1", file.ActiveKeyId);
    }

    [Fact]
    public void Parse_KeyIdAlphabet_AllAllowedCharactersAnd64Long()
    {
        var id = "Az09._-" + new string('x', 57);
        Assert.Equal(64, id.Length);
        Assert.Equal(id, KeyFile.Parse($"{id} {TestKeys.Base64(0)}").ActiveKeyId);
    }

    [Theory]
    [InlineData("k1 AAAA\nbad", 2, "line 2: expected '<key-id> <base64 key>' or 'active <key-id>', found 1 field(s)")]
    [InlineData("k1 AAAA extra", 1, "found 3 field(s)")]
    [InlineData("k!1 AAAA", 1, "line 1: a key id is made of [A-Za-z0-9._-]; character 2 is not")]
    [InlineData("k1 AAAA\n\nk1 BBBB", 3, "line 3: key id 'k1' repeats (first on line 1)")]
    [InlineData("k1 AAAA\nactive k2", 2, "line 2: 'active k2' names no key in the file")]
    [InlineData("k1 AAAA\nactive k1\nactive k1", 3, "line 3: a second 'active' entry (the first is on line 2)")]
    [InlineData("active active", 1, "'active' is reserved")]
    [InlineData("k1 AAAA\nk2 ==", 2, "line 2: the key of 'k2' is not valid base64")]
    [InlineData("k1 AAAA\nk2 A*AA", 2, "line 2: the key of 'k2' is not valid base64")]
    [InlineData("k1 AAAA;k2", 1, "line 1, entry 2: expected")]
    [InlineData("# only a comment\n\n", 0, "holds no keys")]
    [InlineData("active k1", 0, "holds no keys")]
    public void Parse_Errors_NameTheLineAndTheProblem(string text, int line, string message)
    {
        var e = Assert.Throws<KeyFileException>(() => KeyFile.Parse(text, "keys.txt"));
        Assert.Equal(line, e.LineNumber);
        Assert.Equal("keys.txt", e.Origin);
        Assert.StartsWith("keys.txt ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Parse_KeyIdTooLong_SaysTheRule()
    {
        var e = Assert.Throws<KeyFileException>(() => KeyFile.Parse($"{new string('a', 65)} AAAA"));
        Assert.Contains("a key id has 1-64 characters, this one 65", e.Message);
    }

    [Theory]
    [InlineData("c2VjcmV0LXNlY3JldC1zZWNyZXQ")] // one field: a key pasted without its id
    [InlineData("c2VjcmV0LXNlY3JldC1zZWNyZXQ= k1 extra")] // fields out of order
    [InlineData("c2VjcmV0LXNlY3JldC1zZWNyZXQ+/ k1")] // key where the id goes
    [InlineData("k1 c2VjcmV0LXNlY3JldC1zZWNyZXQ!")] // broken base64
    public void Parse_Errors_NeverEchoKeyMaterial(string line)
    {
        var e = Assert.Throws<KeyFileException>(() => KeyFile.Parse(line));
        Assert.DoesNotContain("c2VjcmV0", e.Message);
    }

    [Fact]
    public void RequireKeyLength_ShortKey_NamesLineAndIdButNotBytes()
    {
        var file = KeyFile.Parse($"k1 {TestKeys.Base64(0)}\nk2 {TestKeys.Base64(0, 16)}");
        var e = Assert.Throws<KeyFileException>(() => file.RequireKeyLength(32, 32, "an AES-256 key"));
        Assert.Equal(2, e.LineNumber);
        Assert.Contains("line 2: key 'k2' is 16 bytes; an AES-256 key has exactly 32 bytes", e.Message);
        Assert.DoesNotContain(TestKeys.Base64(0, 16), e.Message);
    }

    [Fact]
    public void Format_ParsesBackToTheSameKeys()
    {
        var file = KeyFile.Parse($"k1 {TestKeys.Base64(0)};k2 {TestKeys.Base64(100, 48)};active k1");
        var again = KeyFile.Parse(file.Format());
        Assert.Equal("k1", again.ActiveKeyId);
        Assert.Equal(file.Entries.Select(e => (e.KeyId, Convert.ToBase64String(e.Key))), again.Entries.Select(e => (e.KeyId, Convert.ToBase64String(e.Key))));
    }

    [Fact]
    public void Entry_ToString_HidesTheKey() =>
        Assert.Equal("k1 (32 bytes)", KeyFile.Parse($"k1 {TestKeys.Base64(0)}").Entries[0].ToString());

    [Fact]
    public void Load_ErrorsNameThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bridge-keys-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllText(path, "k1 AAAA\nk1 AAAA\n");
            var e = Assert.Throws<KeyFileException>(() => KeyFile.Load(path));
            Assert.StartsWith(path + " line 2", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromEnvironment_UnsetOrEmpty_IsNull_SetIsParsed()
    {
        var name = $"BRIDGE_TEST_KEYS_{Guid.NewGuid():N}";
        Assert.Null(KeyFile.FromEnvironment(name));
        try
        {
            Environment.SetEnvironmentVariable(name, $"k1 {TestKeys.Base64(0)};k2 {TestKeys.Base64(100)}");
            Assert.Equal("k2", KeyFile.FromEnvironment(name)!.ActiveKeyId);
            Environment.SetEnvironmentVariable(name, "k1 AAAA;k1 AAAA");
            Assert.StartsWith(name + " line 1, entry 2", Assert.Throws<KeyFileException>(() => KeyFile.FromEnvironment(name)).Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Save_WritesOwnerOnlyAndRefusesToOverwrite()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-keys-");
        try
        {
            var path = Path.Combine(dir.FullName, "keys");
            var file = KeyFile.Parse(TestKeys.TwoKeys);
            file.Save(path);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Throws<IOException>(() => file.Save(path));
            file.Save(path, overwrite: true);
            Assert.Equal("k2", KeyFile.Load(path).ActiveKeyId);
            Assert.Single(dir.GetFiles()); // no temporary left behind
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
