using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Bridge.Rpc;

/// <summary>
/// Lets one cleartext port serve both HTTP/2 with prior knowledge (gRPC clients) and HTTP/1.1
/// (browsers, curl, Prometheus). Kestrel alone cannot: without TLS there is no ALPN, so an
/// <c>Http1AndHttp2</c> endpoint always picks HTTP/1.1. This connection middleware peeks at the
/// first bytes without consuming them: the HTTP/2 connection preface (RFC 9113 §3.4) starts with
/// <c>PRI</c>, which no HTTP/1.1 request method is, so a connection starting with it is announced
/// to Kestrel as ALPN <c>h2</c> and every other connection as HTTP/1.1.
/// </summary>
internal static class CleartextProtocolSniffer
{
    private static ReadOnlySpan<byte> PrefacePrefix => "PRI"u8;

    /// <summary>The middleware, for <c>ListenOptions.Use</c> on an endpoint with <c>Http1AndHttp2</c>.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        var input = connection.Transport.Input;
        var protocol = "http/1.1"u8.ToArray();
        while (true)
        {
            var read = await input.ReadAsync(connection.ConnectionClosed);
            var buffer = read.Buffer;
            if (buffer.Length >= PrefacePrefix.Length || read.IsCompleted || read.IsCanceled)
            {
                if (buffer.Length >= PrefacePrefix.Length && StartsWithPreface(buffer)) protocol = "h2"u8.ToArray();
                // Consume nothing and examine nothing: Kestrel's own read sees these bytes again at once.
                input.AdvanceTo(buffer.Start, buffer.Start);
                break;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
        if (protocol.Length == 2)
        {
            // Kestrel chooses HTTP/2 on a connection with a TLS feature whose ALPN said h2.
            connection.Features.Set<ITlsConnectionFeature>(new NoTls());
            connection.Features.Set<ITlsApplicationProtocolFeature>(new Alpn(protocol));
        }
        await next(connection);
    };

    private static bool StartsWithPreface(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[3];
        buffer.Slice(0, PrefacePrefix.Length).CopyTo(head);
        return head.SequenceEqual(PrefacePrefix);
    }

    private sealed class Alpn(byte[] protocol) : ITlsApplicationProtocolFeature
    {
        public ReadOnlyMemory<byte> ApplicationProtocol => protocol;
    }

    // Marks the protocol choice only; the connection is cleartext and has no certificate.
    private sealed class NoTls : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get; set; }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) =>
            Task.FromResult<X509Certificate2?>(null);
    }
}
