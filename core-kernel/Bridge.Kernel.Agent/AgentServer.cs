using System.Globalization;
using System.Net;
using System.Text.Json;
using Bridge.Rpc;
using Bridge.Rpc.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Kernel.Agent;

/// <summary>
/// An agent with its endpoint (one port, gRPC and HTTP/1.1): the executor API for the executors it
/// starts (<see cref="ExecutorService"/>); <c>GET /files/read?path=P&amp;offset=N&amp;length=M</c>
/// reads a file under the agent's sandboxes (Mesos' <c>/files/read</c> shape:
/// <c>{"data": "...", "offset": N}</c>; offset -1 answers the file's size with no data), and
/// <c>GET /monitor/statistics</c> lists each running task's usage
/// (<c>[{framework_id, executor_id, statistics: {cpus_time_secs, mem_rss_bytes, mem_limit_bytes}}]</c>).
/// </summary>
public sealed class AgentServer : IAsyncDisposable
{
    private const int MaxReadLength = 1 << 20;
    private readonly RpcServer _server;
    private bool _stopped;

    private AgentServer(Agent agent, RpcServer server)
    {
        Agent = agent;
        _server = server;
    }

    /// <summary>The agent.</summary>
    public Agent Agent { get; }

    /// <summary>The agent's endpoint.</summary>
    public Uri Address => _server.Address;

    /// <summary>Starts an agent and its endpoint on <paramref name="endpoint"/> (port 0 picks a free one), then connects it to its master.</summary>
    public static async Task<AgentServer> StartAsync(AgentOptions options, IPEndPoint endpoint, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        var agent = new Agent(options, loggerFactory);
        var server = await RpcServer.StartAsync(new RpcServerOptions { Endpoint = endpoint, LoggerFactory = loggerFactory },
            [new HealthService(), new ExecutorService(agent)], http: app => MapHttp(app, agent), cancellationToken: cancellationToken);
        agent.Start($"{server.Address.Host}:{server.Address.Port}");
        return new AgentServer(agent, server);
    }

    private static void MapHttp(IApplicationBuilder app, Agent agent) => app.Run(async http =>
    {
        switch (http.Request.Path.Value)
        {
            case "/health":
                await http.Response.WriteAsJsonAsync(new { healthy = true });
                break;
            case "/files/read":
                await ReadFileAsync(http, agent);
                break;
            case "/monitor/statistics":
                var usage = await agent.GetUsageAsync();
                await http.Response.WriteAsJsonAsync(usage.Select(u => new
                {
                    framework_id = u.Framework.Value,
                    executor_id = u.Executor.Value,
                    statistics = new { cpus_time_secs = u.Usage.CpuSeconds, mem_rss_bytes = u.Usage.RssBytes, mem_limit_bytes = u.Usage.MemoryLimitBytes },
                }));
                break;
            default:
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    });

    private static async Task ReadFileAsync(HttpContext http, Agent agent)
    {
        var root = Path.GetFullPath(Path.Combine(agent.WorkDir, "sandboxes")) + Path.DirectorySeparatorChar;
        var requested = http.Request.Query["path"].ToString();
        var path = Path.GetFullPath(Path.IsPathRooted(requested) ? requested : Path.Combine(root, requested));
        if (requested.Length == 0 || !path.StartsWith(root, StringComparison.Ordinal))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(new { error = "path must name a file under the agent's sandboxes" });
            return;
        }
        if (!long.TryParse(http.Request.Query["offset"].ToString() is { Length: > 0 } o ? o : "0", NumberStyles.Integer, CultureInfo.InvariantCulture, out var offset) ||
            !int.TryParse(http.Request.Query["length"].ToString() is { Length: > 0 } l ? l : MaxReadLength.ToString(CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out var length) ||
            offset < -1 || length < 0)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(new { error = "offset and length must be integers (offset >= -1, length >= 0)" });
            return;
        }
        if (!File.Exists(path))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await http.Response.WriteAsJsonAsync(new { error = $"no such file: {requested}" });
            return;
        }
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (offset == -1)
        {
            await http.Response.WriteAsJsonAsync(new { data = "", offset = file.Length });
            return;
        }
        // At least one whole character (up to 4 bytes) even when fewer were asked for, so a reader never stalls.
        var wanted = length == 0 ? 0 : Math.Max(Math.Min(length, MaxReadLength), 4);
        var buffer = new byte[Math.Min(wanted, Math.Max(0, file.Length - offset))];
        file.Position = Math.Min(offset, file.Length);
        var read = CompleteUtf8Prefix(buffer.AsSpan(0, await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false)));
        http.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("data", System.Text.Encoding.UTF8.GetString(buffer, 0, read));
        json.WriteNumber("offset", offset);
        json.WriteEndObject();
    }

    /// <summary>The length of the longest prefix of <paramref name="bytes"/> that does not end inside a
    /// UTF-8 sequence, so a chunk never splits a character (clients count the bytes of <c>data</c> to
    /// find the next offset; a split character would become U+FFFD and shift every later offset).</summary>
    internal static int CompleteUtf8Prefix(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80) continue; // a continuation byte: the sequence started earlier
            var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? bytes.Length - back : bytes.Length;
        }
        return bytes.Length;
    }

    /// <summary>Stops the agent and its endpoint. Without <paramref name="killTasks"/>, tasks and
    /// executors keep running for the next agent started with the same work dir to recover (see
    /// <see cref="Agent.StopAsync"/>).</summary>
    public async Task StopAsync(bool killTasks)
    {
        await Agent.StopAsync(killTasks);
        if (!_stopped) await _server.DisposeAsync();
        _stopped = true;
    }

    /// <summary>Stops the agent (killing its tasks, unless <see cref="StopAsync"/> left them running) and its endpoint.</summary>
    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        if (!_stopped) await _server.DisposeAsync();
        _stopped = true;
    }
}
