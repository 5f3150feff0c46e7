using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Bridge.Eventing.Security;
using Bridge.Eventing.V1;

namespace Bridge.Eventing.Bus.Api;

/// <summary>What a session id says about its session.</summary>
/// <param name="Topic">The session's topic.</param>
/// <param name="Mode">Read or write.</param>
/// <param name="Subject">The bearer token's subject that allocated it ("" without a token).</param>
public sealed record SessionClaims(string Topic, SessionMode Mode, string Subject);

/// <summary>
/// Session ids made by the API tier: 16 random bytes, the mode, the topic and the allocating
/// subject, sealed (<see cref="TokenSealer"/>, purpose <c>bus-session</c>) and base64url-encoded. Any
/// API-tier replica sharing the keys reads the topic and subject back from a call's session id
/// alone, to apply the topic's policy and to refuse a session used by another principal, without
/// any state of its own; the random part makes ids unguessable and spreads them over the back-end
/// nodes.
/// </summary>
public sealed class SessionIds
{
    /// <summary>The purpose mixed into every session id's MAC.</summary>
    public const string Purpose = "bus-session";

    private readonly TokenSealer _sealer;

    /// <summary>Ids sealed and opened with <paramref name="sealer"/> (made with purpose <see cref="Purpose"/>).</summary>
    public SessionIds(TokenSealer sealer)
    {
        _sealer = sealer;
    }

    /// <summary>A new session id.</summary>
    public string Create(SessionClaims claims)
    {
        var topic = Encoding.UTF8.GetBytes(claims.Topic);
        var subject = Encoding.UTF8.GetBytes(claims.Subject);
        var payload = new byte[16 + 1 + 2 + topic.Length + subject.Length];
        RandomNumberGenerator.Fill(payload.AsSpan(0, 16));
        payload[16] = (byte)claims.Mode;
        payload[17] = (byte)(topic.Length >> 8);
        payload[18] = (byte)topic.Length;
        topic.CopyTo(payload.AsSpan(19));
        subject.CopyTo(payload.AsSpan(19 + topic.Length));
        return Base64Url.EncodeToString(_sealer.Seal(payload));
    }

    /// <summary>The claims of <paramref name="sessionId"/>, or null when the bus did not make it.</summary>
    public SessionClaims? Open(string sessionId)
    {
        if (sessionId.Length is 0 or > 2048) return null;
        byte[] token;
        try
        {
            token = Base64Url.DecodeFromChars(sessionId);
        }
        catch (FormatException)
        {
            return null;
        }
        if (!_sealer.TryOpen(token, out var payload, out _) || payload.Length < 19) return null;
        var topicLength = (payload[17] << 8) | payload[18];
        if (19 + topicLength > payload.Length || payload[16] is not ((byte)SessionMode.Read or (byte)SessionMode.Write)) return null;
        return new SessionClaims(
            Encoding.UTF8.GetString(payload, 19, topicLength),
            (SessionMode)payload[16],
            Encoding.UTF8.GetString(payload, 19 + topicLength, payload.Length - 19 - topicLength));
    }
}
