namespace Bridge.Eventing.Broker;

/// <summary>
/// Who this broker says it is in Metadata and FindCoordinator answers: node id 0 of a one-node
/// cluster, at the advertised host and the bound port.
/// </summary>
/// <param name="NodeId">Kafka's <c>node.id</c>/<c>broker.id</c>; always 0.</param>
/// <param name="Host">The advertised host clients connect to.</param>
/// <param name="Port">The bound port.</param>
/// <param name="ClusterId">The cluster id clients see (stable per data directory).</param>
internal sealed record BrokerIdentity(int NodeId, string Host, int Port, string ClusterId)
{
    /// <summary>The replica set of every partition: this node alone.</summary>
    public IReadOnlyList<int> Replicas { get; } = [NodeId];
}
