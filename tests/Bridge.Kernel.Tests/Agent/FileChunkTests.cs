using System.Text;
using Bridge.Kernel.Agent;

namespace Bridge.Kernel.Tests.Agent;

/// <summary>The agent's /files/read never ends a chunk inside a UTF-8 character.</summary>
public class FileChunkTests
{
    [Theory]
    [InlineData("abc", 3, 3)]
    [InlineData("aé", 2, 1)]   // é is 2 bytes: cut after its first
    [InlineData("aé", 3, 3)]
    [InlineData("a€", 3, 1)]   // € is 3 bytes
    [InlineData("a€", 2, 1)]
    [InlineData("a😀", 4, 1)]  // 4 bytes
    [InlineData("a😀", 5, 5)]
    public void ChunksEndOnCharacterBoundaries(string text, int take, int expected)
    {
        var bytes = Encoding.UTF8.GetBytes(text).AsSpan(0, take);
        Assert.Equal(expected, AgentServer.CompleteUtf8Prefix(bytes));
    }

    [Fact]
    public void ReadingAFileInTinyChunks_ReassemblesItExactly()
    {
        var bytes = Encoding.UTF8.GetBytes("héllo wörld € 😀 done");
        var text = new StringBuilder();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var length = AgentServer.CompleteUtf8Prefix(bytes.AsSpan(offset, Math.Min(2, bytes.Length - offset)));
            if (length == 0) length = AgentServer.CompleteUtf8Prefix(bytes.AsSpan(offset, Math.Min(4, bytes.Length - offset)));
            text.Append(Encoding.UTF8.GetString(bytes, offset, length));
            offset += length;
        }
        Assert.Equal("héllo wörld € 😀 done", text.ToString());
    }
}
