using System.Net;
using System.Net.Sockets;
using System.Text;
using Bridge.Rpc.Tests.Echo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bridge.Rpc.Tests.Loopback;

/// <summary>One cleartext port serving gRPC (h2c prior knowledge) and plain HTTP/1.1 side by side.</summary>
public class SharedPortTests
{
    private static Task<RpcServer> StartAsync() =>
        RpcServer.StartAsync(new RpcServerOptions(), [new EchoService()],
            http: app => app.Run(context => context.Response.WriteAsync($"plain {context.Request.Protocol} {context.Request.Path}")));

    [Fact]
    public async Task GrpcAndHttp1_OnOnePort_BothAnswered()
    {
        await using var server = await StartAsync();
        using var channel = RpcChannel.ForAddress(server.Address);
        var reply = await new EchoClient(channel).Unary(new EchoRequest { Message = "over h2c" });
        Assert.Equal("over h2c", reply.Message);

        using var http = new HttpClient();
        Assert.Equal("plain HTTP/1.1 /state", await http.GetStringAsync(new Uri(server.Address, "/state")));
    }

    [Theory]
    [InlineData("GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "plain HTTP/1.1 /x")]
    [InlineData("POST /y HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", "plain HTTP/1.1 /y")]
    public async Task Http1Request_SentOneByteAtATime_IsStillHttp1(string request, string expectedBody)
    {
        await using var server = await StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        foreach (var b in Encoding.ASCII.GetBytes(request))
        {
            await socket.SendAsync(new[] { b });
            await Task.Delay(1);
        }
        var response = await ReadToEndAsync(socket);
        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Contains(expectedBody, response);
    }

    [Fact]
    public async Task Http2Preface_SplitAcrossPackets_IsHttp2()
    {
        await using var server = await StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        var preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        await socket.SendAsync(preface.AsMemory(0, 1));
        await Task.Delay(20);
        await socket.SendAsync(preface.AsMemory(1));
        await socket.SendAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }); // empty SETTINGS
        var head = new byte[9];
        var got = 0;
        while (got < head.Length)
        {
            var n = await socket.ReceiveAsync(head.AsMemory(got));
            Assert.NotEqual(0, n);
            got += n;
        }
        Assert.Equal(4, head[3]); // the server's first frame is SETTINGS: it spoke HTTP/2
    }

    [Fact]
    public async Task ConnectionClosedBeforeThreeBytes_DoesNotDisturbTheServer()
    {
        await using var server = await StartAsync();
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(IPAddress.Loopback, server.Port);
            await socket.SendAsync("P"u8.ToArray());
        }
        using var http = new HttpClient();
        Assert.Equal("plain HTTP/1.1 /after", await http.GetStringAsync(new Uri(server.Address, "/after")));
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        int n;
        while ((n = await socket.ReceiveAsync(buffer)) > 0) text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        return text.ToString();
    }
}
