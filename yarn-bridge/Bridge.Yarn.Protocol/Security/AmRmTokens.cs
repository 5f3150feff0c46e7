using System.Buffers.Text;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using Google.Protobuf;

namespace Bridge.Yarn.Protocol.Security;

/// <summary>
/// AM tokens (Hadoop's AMRMToken): they name the attempt an ApplicationMaster speaks for. The text form is
/// <c>base64url(identifier) "." base64url(password)</c> (unpadded), identifier = AMRMTokenIdentifierProto bytes
/// (appAttemptId, keyId), password = HMAC-SHA256 of the identifier under the ResourceManager's AM key. The RM puts it
/// in the AM container's <see cref="YarnEnvironment.AmRmToken"/> variable; the AM sends it in the
/// <see cref="YarnEnvironment.AmRmTokenHeader"/> header of every ApplicationMasterProtocol call.
/// </summary>
public static class AmRmTokens
{
    /// <summary>The token kind (Hadoop's <c>AMRMTokenIdentifier.KIND_NAME</c>).</summary>
    public const string Kind = "YARN_AM_RM_TOKEN";

    /// <summary>A token naming <paramref name="attempt"/>, signed with <paramref name="key"/>.</summary>
    public static string Create(MasterKey key, ApplicationAttemptId attempt)
    {
        var identifier = new AMRMTokenIdentifierProto { AppAttemptId = attempt.ToProto(), KeyId = key.KeyId }.ToByteArray();
        return $"{Base64Url.EncodeToString(identifier)}.{Base64Url.EncodeToString(key.Sign(identifier))}";
    }

    /// <summary>Checks <paramref name="token"/> against <paramref name="key"/> and reads the attempt it names.</summary>
    /// <returns><see cref="TokenProblem.None"/> with <paramref name="attempt"/> set, or why it was refused with
    /// <paramref name="message"/> saying so (never echoing the token).</returns>
    public static TokenProblem Verify(MasterKey key, string? token, out ApplicationAttemptId attempt, out string message)
    {
        attempt = default;
        message = "";
        if (string.IsNullOrEmpty(token))
        {
            message = $"no AM token: send the {YarnEnvironment.AmRmTokenHeader} header with the {YarnEnvironment.AmRmToken} the ResourceManager gave the AM container";
            return TokenProblem.Missing;
        }
        var dot = token.IndexOf('.');
        byte[] identifier, password;
        AMRMTokenIdentifierProto parsed;
        try
        {
            if (dot <= 0) throw new FormatException();
            identifier = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            password = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            parsed = AMRMTokenIdentifierProto.Parser.ParseFrom(identifier);
            attempt = parsed.AppAttemptId.ToRecord("appAttemptId");
        }
        catch (Exception e) when (e is FormatException or InvalidProtocolBufferException or InvalidMessageException)
        {
            attempt = default;
            message = "the AM token is malformed (expected base64url(identifier).base64url(password))";
            return TokenProblem.Malformed;
        }
        if (parsed.KeyId != key.KeyId)
        {
            attempt = default;
            message = $"the AM token was signed with key {parsed.KeyId}, not this ResourceManager's key {key.KeyId}";
            return TokenProblem.UnknownKey;
        }
        if (!key.Verify(identifier, password))
        {
            attempt = default;
            message = "the AM token's password is invalid (not issued by this ResourceManager)";
            return TokenProblem.BadPassword;
        }
        return TokenProblem.None;
    }
}
