using System.Net;
using System.Net.Sockets;
using Bridge.Kernel.V1;

namespace Bridge.Kernel.Agent.Health;

/// <summary>One check's answer: healthy or not, and a message saying why.</summary>
internal readonly record struct ProbeOutcome(bool Healthy, string Message);

/// <summary>One kind of health check. <c>RunAsync</c> throws <see cref="OperationCanceledException"/>
/// when its token fires (timeout or stop) and leaves nothing running.</summary>
internal interface IHealthProbe
{
    Task<ProbeOutcome> RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// HTTP check as Mesos runs it (<c>curl -k -L</c> against the task on loopback): GET
/// <c>scheme://127.0.0.1:port/path</c>, redirects followed, certificates not verified; healthy when
/// the status is in <c>statuses</c>, or 200-399 when that list is empty.
/// </summary>
internal sealed class HttpProbe(HealthCheck.Types.HTTPCheckInfo http, HttpClient client) : IHealthProbe
{
    private readonly Uri _url = new($"{(http.Scheme.Length > 0 ? http.Scheme : "http")}://127.0.0.1:{http.Port}{(http.Path.Length > 0 ? http.Path : "/")}");

    public async Task<ProbeOutcome> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _url);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            var healthy = http.Statuses.Count > 0 ? http.Statuses.Contains((uint)status) : status is >= 200 and <= 399;
            var expected = http.Statuses.Count > 0 ? string.Join(", ", http.Statuses) : "200-399";
            return new ProbeOutcome(healthy, healthy
                ? $"HTTP health check passed: GET {_url} returned {status}"
                : $"HTTP health check failed: GET {_url} returned {status} (healthy: {expected})");
        }
        catch (HttpRequestException e)
        {
            return new ProbeOutcome(false, $"HTTP health check failed: GET {_url}: {e.Message}");
        }
    }

    /// <summary>The client used when the caller gives none: loopback only, so no proxy; like
    /// <c>curl -k</c>, a task's self-signed certificate is accepted. The checker owns its timeout.</summary>
    public static HttpClient CreateDefaultClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = true,
        SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}

/// <summary>TCP check as Mesos runs it (<c>mesos-tcp-connect</c>): healthy when a connection to
/// <c>127.0.0.1:port</c> is accepted; the connection is closed at once.</summary>
internal sealed class TcpProbe(uint port) : IHealthProbe
{
    public async Task<ProbeOutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, (int)port), cancellationToken);
            return new ProbeOutcome(true, $"TCP health check passed: connected to 127.0.0.1:{port}");
        }
        catch (SocketException e)
        {
            return new ProbeOutcome(false, $"TCP health check failed: connecting to 127.0.0.1:{port}: {e.Message}");
        }
    }
}
