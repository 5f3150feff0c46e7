using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Kernel.Allocation;
using Bridge.Kernel.Coordination.Etcd;
using Bridge.Kernel.Coordination.Etcd.Rpc;
using Google.Protobuf;

namespace Bridge.Kernel.Master.Registry;

/// <summary>
/// The registry in etcd, for masters that elect a leader there: one key per admitted agent, per role weight and per
/// role quota under <see cref="Root"/>, JSON values. Every write is one etcd transaction guarded by the writer's
/// leadership (<c>Leadership.Guard</c>: the leader key still has the create revision it was elected with), so a
/// master that has lost its leadership cannot write: its write fails with <see cref="RegistryException"/> and lands
/// nowhere. A write returns once etcd has committed it (a raft quorum of members).
/// </summary>
/// <remarks>
/// Keys (ids and roles percent-escaped, so hierarchical roles like <c>eng/web</c> stay one key):
/// <c>ROOT/agents/ID</c> → <c>{"id","hostname","address","checkpointed"}</c> (checkpointed: base64 of the resources as
/// <c>bridge.v1.Resource</c> messages, as <see cref="SqliteRegistry"/> stores them); <c>ROOT/weights/ROLE</c> →
/// <c>{"weight":2.5}</c>; <c>ROOT/quotas/ROLE</c> → <c>{"guarantees":"cpus:4;mem:4096","limits":null}</c>.
/// An UPDATE_WEIGHTS or UPDATE_QUOTA call is one transaction, so at most etcd's <c>--max-txn-ops</c> roles (128 by
/// default) per call.
/// </remarks>
public sealed class EtcdRegistry(EtcdClient client, string root, Func<Compare?>? guard = null) : IRegistry
{
    private readonly string _root = root.TrimEnd('/');

    /// <summary>The key prefix (no trailing slash), e.g. <c>/bridge/registry</c>.</summary>
    public string Root => _root;

    private string Store => $"etcd {string.Join(",", client.Endpoints)} {_root}";

    /// <inheritdoc />
    public async Task<RegistryState> LoadAsync(CancellationToken cancellationToken = default)
    {
        var range = await Call("read", () => client.GetPrefixAsync(_root + "/", cancellationToken));
        var agents = new List<RegisteredAgent>();
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var quotas = new Dictionary<string, Quota>(StringComparer.Ordinal);
        foreach (var kv in range.Kvs)
        {
            var key = kv.Key.ToStringUtf8();
            var parts = key[(_root.Length + 1)..].Split('/');
            if (parts.Length != 2) continue;
            var name = Uri.UnescapeDataString(parts[1]);
            var json = Parse(kv.Value, key);
            switch (parts[0])
            {
                case "agents":
                    agents.Add(new RegisteredAgent(new AgentId(name), Text(json, "hostname", key), Text(json, "address", key),
                        CheckpointedCodec.Decode(Bytes(json, "checkpointed", key), Store, name)));
                    break;
                case "weights":
                    weights[name] = json["weight"] is JsonValue w && w.TryGetValue<double>(out var weight) ? weight : throw Malformed(key, "weight is not a number");
                    break;
                case "quotas":
                    var limits = json["limits"] is null ? null : CheckpointedCodec.Quantities(Text(json, "limits", key), Store, name);
                    quotas[name] = new Quota(CheckpointedCodec.Quantities(Text(json, "guarantees", key), Store, name), limits);
                    break;
            }
        }
        agents.Sort((a, b) => string.CompareOrdinal(a.Id.Value, b.Id.Value));
        return new RegistryState(agents, weights, quotas);
    }

    /// <inheritdoc />
    public Task PutAgentAsync(RegisteredAgent agent, CancellationToken cancellationToken = default) =>
        WriteAsync([Put(Key("agents", agent.Id.Value), new JsonObject
        {
            ["id"] = agent.Id.Value, ["hostname"] = agent.Hostname, ["address"] = agent.Address,
            ["checkpointed"] = Convert.ToBase64String(CheckpointedCodec.Encode(agent.Checkpointed)),
        })], cancellationToken);

    /// <inheritdoc />
    public Task RemoveAgentAsync(AgentId id, CancellationToken cancellationToken = default) =>
        WriteAsync([Delete(Key("agents", id.Value))], cancellationToken);

    /// <inheritdoc />
    public Task PutWeightsAsync(IReadOnlyCollection<KeyValuePair<string, double>> weights, CancellationToken cancellationToken = default) =>
        WriteAsync([.. weights.Select(w => Put(Key("weights", w.Key), new JsonObject { ["weight"] = w.Value }))], cancellationToken);

    /// <inheritdoc />
    public Task PutQuotasAsync(IReadOnlyCollection<KeyValuePair<string, Quota>> quotas, CancellationToken cancellationToken = default) =>
        WriteAsync([.. quotas.Select(q => q.Value.IsNone ? Delete(Key("quotas", q.Key)) : Put(Key("quotas", q.Key), new JsonObject
        {
            ["guarantees"] = q.Value.Guarantee.ToString(), ["limits"] = q.Value.Limit?.ToString(),
        }))], cancellationToken);

    /// <summary>Nothing to release: the client belongs to the caller.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task WriteAsync(RequestOp[] ops, CancellationToken cancellationToken)
    {
        if (ops.Length == 0) return;
        var txn = new TxnRequest { Success = { ops } };
        if (guard?.Invoke() is { } compare) txn.Compare.Add(compare);
        var response = await Call("write", () => client.TxnAsync(txn, cancellationToken));
        if (!response.Succeeded)
            throw new RegistryException($"Registry {Store}: this master is no longer the leader (the leader key changed); nothing was written");
    }

    private async Task<T> Call<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (EtcdException e)
        {
            throw new RegistryException($"Registry {Store}: the {what} failed: {e.Message}", e);
        }
    }

    private string Key(string kind, string name) => $"{_root}/{kind}/{Uri.EscapeDataString(name)}";

    private static RequestOp Put(string key, JsonObject value) => new()
    {
        RequestPut = new PutRequest { Key = EtcdKeys.Of(key), Value = ByteString.CopyFromUtf8(value.ToJsonString()) },
    };

    private static RequestOp Delete(string key) => new() { RequestDeleteRange = new DeleteRangeRequest { Key = EtcdKeys.Of(key) } };

    private JsonObject Parse(ByteString value, string key)
    {
        try
        {
            return JsonNode.Parse(value.ToStringUtf8()) as JsonObject ?? throw Malformed(key, "not a JSON object");
        }
        catch (JsonException e)
        {
            throw Malformed(key, e.Message);
        }
    }

    private string Text(JsonObject json, string field, string key) =>
        json[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Malformed(key, $"{field} is not a string");

    private byte[] Bytes(JsonObject json, string field, string key)
    {
        try
        {
            return Convert.FromBase64String(Text(json, field, key));
        }
        catch (FormatException)
        {
            throw Malformed(key, $"{field} is not base64");
        }
    }

    private RegistryException Malformed(string key, string why) => new($"Registry {Store}: {key} is malformed: {why}");
}
