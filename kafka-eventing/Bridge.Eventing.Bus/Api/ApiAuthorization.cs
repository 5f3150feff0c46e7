using Bridge.Eventing.Bus.Policy;
using Bridge.Eventing.Security;
using Bridge.Eventing.V1;
using Bridge.Rpc;
using Google.Protobuf;

namespace Bridge.Eventing.Bus.Api;

/// <summary>
/// The API tier's checks of a call against its topic's policy (<see cref="TopicPolicies"/>), in order:
/// TLS (PERMISSION_DENIED without it), the bearer token (UNAUTHENTICATED when missing, malformed,
/// expired, wrongly signed or for another issuer or audience; PERMISSION_DENIED when its scopes do
/// not cover the topic and mode, or its subject is not the one that allocated the session), and the
/// request signature (UNAUTHENTICATED when missing, wrong, stale or replayed). A token presented on a
/// topic that does not need one is still validated, and a session allocated with a token can only
/// be used with a token of the same subject.
/// </summary>
public sealed class ApiAuthorization(TopicPolicies policies, BearerTokenValidator? tokens, RequestVerifier? signatures)
{
    /// <summary>Checks the call; returns the caller's subject ("" without a token).</summary>
    /// <param name="topic">The session's topic.</param>
    /// <param name="mode">The session's mode.</param>
    /// <param name="sessionSubject">The subject that allocated the session, or null for AllocateSession itself.</param>
    /// <param name="request">The request, whose protobuf encoding the signature covers.</param>
    /// <param name="context">The call (headers, TLS).</param>
    /// <exception cref="RpcException">UNAUTHENTICATED or PERMISSION_DENIED, with the reason.</exception>
    public string Check(string topic, SessionMode mode, string? sessionSubject, IMessage request, ServerCallContext context)
    {
        var policy = policies.For(topic);
        if (policy.RequireTls && !context.GetHttpContext().Request.IsHttps)
            throw Denied(StatusCode.PermissionDenied, $"topic '{topic}' requires TLS");
        var subject = Token(topic, mode, policy.RequireToken || !string.IsNullOrEmpty(sessionSubject), context);
        if (sessionSubject is not null && subject != sessionSubject)
            throw Denied(StatusCode.PermissionDenied, "the session belongs to another principal");
        if (policy.RequireSignature) Signature(request, context);
        return subject;
    }

    private string Token(string topic, SessionMode mode, bool required, ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null && !required) return "";
        if (tokens is null) throw Denied(StatusCode.Unauthenticated, "this bus accepts no bearer tokens (no issuer configured)");
        var validation = tokens.Validate(header);
        if (!validation.IsValid) throw Denied(StatusCode.Unauthenticated, $"bearer token: {validation.Message}");
        var principal = validation.Principal!;
        var access = mode == SessionMode.Write ? BusAccess.Write : BusAccess.Read;
        if (!principal.Allows(topic, access))
            throw Denied(StatusCode.PermissionDenied, $"bearer token of '{principal.Subject}' has no scope bus:{(access == BusAccess.Write ? "write" : "read")}:{topic}");
        return principal.Subject;
    }

    private void Signature(IMessage request, ServerCallContext context)
    {
        if (signatures is null) throw Denied(StatusCode.Unauthenticated, "this bus verifies no request signatures (no signing keys configured)");
        var headers = context.RequestHeaders;
        var verification = signatures.Verify(context.Method, request.ToByteArray(),
            headers.GetValue(RequestVerifier.SignatureHeader), headers.GetValue(RequestVerifier.TimestampHeader), headers.GetValue(RequestVerifier.NonceHeader));
        if (!verification.IsValid) throw Denied(StatusCode.Unauthenticated, $"request signature: {verification.Message}");
    }

    private static RpcException Denied(StatusCode code, string message) => new(new Status(code, message));
}
