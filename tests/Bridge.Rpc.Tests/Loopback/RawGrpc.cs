using System.Net;
using System.Net.Http.Headers;

namespace Bridge.Rpc.Tests.Loopback;

/// <summary>What came back for a hand-built HTTP/2 request.</summary>
public sealed record RawResponse(HttpStatusCode HttpStatus, HttpResponseHeaders Headers, HttpResponseHeaders Trailers, byte[] Body)
{
    /// <summary>grpc-status from trailers, or from headers for a trailers-only response; null when absent.</summary>
    public StatusCode? GrpcStatus
    {
        get
        {
            var text = Value(Trailers, "grpc-status") ?? Value(Headers, "grpc-status");
            return text is null ? null : (StatusCode)int.Parse(text);
        }
    }

    public string? GrpcMessage => Value(Trailers, "grpc-message") ?? Value(Headers, "grpc-message");

    public bool TrailersOnly => Value(Headers, "grpc-status") is not null && !Trailers.Any();

    private static string? Value(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var v) ? v.First() : null;
}

/// <summary>Sends arbitrary bytes and headers as a gRPC request, to test the server's validation.</summary>
public static class RawGrpc
{
    public static HttpClient CreateClient() => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public static byte[] Frame(byte[] message, byte flag = 0)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = flag;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    public static async Task<RawResponse> SendAsync(HttpClient client, Uri server, string path, byte[] body,
        string? contentType = "application/grpc", IEnumerable<KeyValuePair<string, string>>? headers = null,
        HttpMethod? method = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, new Uri(server, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Headers.TE.ParseAdd("trailers");
        if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (name, value) in headers ?? [])
            request.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawResponse(response.StatusCode, response.Headers, response.TrailingHeaders, bytes);
    }
}
