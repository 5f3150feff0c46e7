using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;
using Google.Protobuf;

namespace Bridge.Yarn.Protocol.Security;

/// <summary>What a container token grants (Hadoop's <c>ContainerTokenIdentifier</c>, the fields we use).</summary>
/// <param name="ContainerId">The container.</param>
/// <param name="NodeId">The NodeManager it may run on (host:port).</param>
/// <param name="AppSubmitter">The user who submitted its application.</param>
/// <param name="Resource">Its size (MB, vcores): what the NodeManager may let it use.</param>
/// <param name="Priority">The priority of the ask it satisfied.</param>
/// <param name="CreationTime">When the ResourceManager allocated it.</param>
/// <param name="ExpiryTime">After this a NodeManager refuses to start it (Hadoop: allocation plus
/// <c>yarn.resourcemanager.rm.container-allocation.expiry-interval-ms</c>, 600 s).</param>
/// <param name="RmIdentifier">The ResourceManager's cluster timestamp.</param>
public sealed record ContainerTokenIdentifier(
    ContainerId ContainerId, NodeId NodeId, string AppSubmitter, Resource Resource, Priority Priority,
    DateTimeOffset CreationTime, DateTimeOffset ExpiryTime, long RmIdentifier)
{
    /// <summary>The container it grants.</summary>
    public Container Container => new(ContainerId, NodeId, Resource, Priority);
}

/// <summary>
/// Container tokens: a TokenProto with identifier = ContainerTokenIdentifierProto bytes, password = HMAC-SHA256
/// of it under the container key, kind <see cref="Kind"/>, service = the NodeManager's id. The ResourceManager
/// issues one with each container; a NodeManager checks it with the key it received at registration before it
/// starts the container.
/// </summary>
public static class ContainerTokens
{
    /// <summary>The token kind (Hadoop's <c>ContainerTokenIdentifier.KIND</c>).</summary>
    public const string Kind = "ContainerToken";

    /// <summary>A token for <paramref name="identifier"/>, signed with <paramref name="key"/>.</summary>
    public static TokenProto Create(MasterKey key, ContainerTokenIdentifier identifier)
    {
        var bytes = new ContainerTokenIdentifierProto
        {
            ContainerId = identifier.ContainerId.ToProto(),
            NmHostAddr = identifier.NodeId.ToString(),
            AppSubmitter = identifier.AppSubmitter,
            Resource = identifier.Resource.ToProto(),
            ExpiryTimeStamp = identifier.ExpiryTime.ToEpochMs(),
            MasterKeyId = key.KeyId,
            RmIdentifier = identifier.RmIdentifier,
            Priority = identifier.Priority.ToProto(),
            CreationTime = identifier.CreationTime.ToEpochMs(),
        }.ToByteArray();
        return new TokenProto
        {
            Identifier = ByteString.CopyFrom(bytes),
            Password = ByteString.CopyFrom(key.Sign(bytes)),
            Kind = Kind,
            Service = identifier.NodeId.ToString(),
        };
    }

    /// <summary>
    /// Checks a container token as a NodeManager must before starting the container: signed with
    /// <paramref name="key"/>, for <paramref name="node"/>, not expired at <paramref name="now"/>.
    /// </summary>
    /// <returns><see cref="TokenProblem.None"/> with <paramref name="identifier"/> set, or why it was refused with
    /// <paramref name="message"/> (Hadoop's wording where it has one).</returns>
    public static TokenProblem Verify(MasterKey key, TokenProto? token, NodeId node, DateTimeOffset now,
        out ContainerTokenIdentifier? identifier, out string message)
    {
        identifier = null;
        message = "";
        if (token is null || token.Identifier.IsEmpty)
        {
            message = "No container token was given";
            return TokenProblem.Missing;
        }
        ContainerTokenIdentifierProto p;
        ContainerTokenIdentifier id;
        try
        {
            p = ContainerTokenIdentifierProto.Parser.ParseFrom(token.Identifier);
            id = new ContainerTokenIdentifier(p.ContainerId.ToRecord("containerId"),
                NodeId.TryParse(p.NmHostAddr, out var n) ? n : throw new InvalidMessageException("nmHostAddr", "is not host:port"),
                p.AppSubmitter, p.Resource.ToRecord("resource"), p.Priority.ToRecord("priority"),
                DateTimeOffset.FromUnixTimeMilliseconds(p.CreationTime), DateTimeOffset.FromUnixTimeMilliseconds(p.ExpiryTimeStamp), p.RmIdentifier);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidMessageException or ArgumentOutOfRangeException)
        {
            message = $"The container token's identifier is malformed: {e.Message}";
            return TokenProblem.Malformed;
        }
        if (p.MasterKeyId != key.KeyId)
        {
            message = $"The container token for {id.ContainerId} was signed with key {p.MasterKeyId}, not the ResourceManager's current key {key.KeyId}";
            return TokenProblem.UnknownKey;
        }
        if (!key.Verify(token.Identifier.Span, token.Password.Span))
        {
            message = $"Invalid container token used for starting container on : {node}";
            return TokenProblem.BadPassword;
        }
        if (id.NodeId != node)
        {
            message = $"This token is expired or is for another NodeManager: container {id.ContainerId} was granted on {id.NodeId}, not {node}";
            return TokenProblem.WrongNode;
        }
        if (now > id.ExpiryTime)
        {
            message = $"This token is expired. current time is {now.ToEpochMs()} found {id.ExpiryTime.ToEpochMs()}";
            return TokenProblem.Expired;
        }
        identifier = id;
        return TokenProblem.None;
    }
}
