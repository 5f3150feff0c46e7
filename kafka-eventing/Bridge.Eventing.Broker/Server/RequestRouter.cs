using Bridge.Eventing.Broker.Groups;
using Bridge.Eventing.Broker.Handlers;
using Bridge.Eventing.Broker.Protocol;
using Bridge.Eventing.Broker.Protocol.Messages;
using Bridge.Eventing.Log.Topics;
using JoinGroupRequest = Bridge.Eventing.Broker.Protocol.Messages.JoinGroupRequest;
using Microsoft.Extensions.Logging;

namespace Bridge.Eventing.Broker;

/// <summary>
/// Sends each decoded request to its API's handler and returns the response body (null: none is
/// sent, for Produce with acks=0). Handlers turn every storage outcome into a Kafka error code;
/// anything they throw is a bug, and the connection closes on it.
/// </summary>
internal sealed class RequestRouter
{
    private readonly ProduceHandler _produce;
    private readonly FetchHandler _fetch;
    private readonly MetadataHandler _metadata;
    private readonly ListOffsetsHandler _listOffsets;
    private readonly TopicAdminHandler _topics;
    private readonly GroupHandler _groups;

    public RequestRouter(BrokerOptions options, LogManager logs, GroupCoordinator coordinator, BrokerIdentity self, ILogger logger)
    {
        var appended = new AppendSignal();
        _produce = new ProduceHandler(logs, appended, logger);
        _fetch = new FetchHandler(logs, appended, options.TimeProvider, logger);
        _metadata = new MetadataHandler(logs, self, options.AutoCreateTopics);
        _listOffsets = new ListOffsetsHandler(logs, logger);
        _topics = new TopicAdminHandler(logs, options.DefaultPartitions);
        _groups = new GroupHandler(coordinator, logs, self, options.TimeProvider);
    }

    /// <summary>Handles one request read with <paramref name="header"/> from the client at <paramref name="clientHost"/>.</summary>
    /// <exception cref="OperationCanceledException">The connection or the broker closed while a Fetch or JoinGroup waited.</exception>
    public async ValueTask<IKafkaResponse?> HandleAsync(RequestHeader header, IKafkaRequest request, string clientHost, CancellationToken cancellationToken) =>
        request switch
        {
            ProduceRequest r => _produce.Handle(r),
            FetchRequest r => await _fetch.HandleAsync(r, cancellationToken),
            ListOffsetsRequest r => _listOffsets.Handle(r),
            MetadataRequest r => _metadata.Handle(r, header.ApiVersion),
            OffsetCommitRequest r => _groups.Commit(r),
            OffsetFetchRequest r => _groups.Fetch(r),
            FindCoordinatorRequest r => _groups.FindCoordinator(r),
            JoinGroupRequest r => await _groups.JoinAsync(r, header, clientHost).WaitAsync(cancellationToken),
            HeartbeatRequest r => _groups.Heartbeat(r),
            LeaveGroupRequest r => _groups.Leave(r, header.ApiVersion),
            SyncGroupRequest r => await _groups.SyncAsync(r).WaitAsync(cancellationToken),
            ApiVersionsRequest r => new ApiVersionsResponse
            {
                // KIP-511: a v3 request with an invalid software name or version is INVALID_REQUEST.
                ErrorCode = r.IsValid(header.ApiVersion) ? ErrorCode.None : ErrorCode.InvalidRequest,
                ApiKeys = KafkaApis.Advertised,
            },
            CreateTopicsRequest r => _topics.Create(r),
            DeleteTopicsRequest r => _topics.Delete(r),
            _ => throw new InvalidOperationException($"no handler for {header.ApiKey}"),
        };
}
