using System.Net.Http.Json;
using System.Text.Json;

namespace Bridge.Chaos;

/// <summary>What a master's <c>GET /health</c> says.</summary>
/// <param name="Leader">Whether it leads.</param>
/// <param name="LeaderAddress">The leader it knows of (<c>http://host:port</c>), or null.</param>
public sealed record MasterHealth(bool Leader, string? LeaderAddress);

/// <summary>What the leader's <c>GET /api/v1/state</c> says about agents.</summary>
/// <param name="Active">Agents registered and connected.</param>
/// <param name="Recovered">Agents in the registry that have not re-registered yet.</param>
/// <param name="OffersHeld">Whether the master holds offers back while it waits for them.</param>
public sealed record AgentCount(int Active, int Recovered, bool OffersHeld);

/// <summary>Plain HTTP probes of masters (<c>/health</c>, <c>/api/v1/state</c>), with short timeouts: a dead master is an answer too.</summary>
public sealed class MasterProbe(TimeSpan? timeout = null) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        // Default 500 ms: a master that takes longer to say whether it leads is counted as not answering.
        Timeout = timeout ?? TimeSpan.FromMilliseconds(500),
    };

    /// <summary>The master's <c>/health</c>, or null when it does not answer (dead, or not serving yet).</summary>
    public async Task<MasterHealth?> HealthAsync(Uri master, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(master, "/health"), cancellationToken);
            if (!response.IsSuccessStatusCode) return null;
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return new MasterHealth(json.GetProperty("leader").GetBoolean(),
                json.TryGetProperty("leader_address", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            if (cancellationToken.IsCancellationRequested) throw;
            return null;
        }
    }

    /// <summary>The agents as the leading master <paramref name="master"/> sees them, or null when it does not answer as the leader.</summary>
    public async Task<AgentCount?> AgentsAsync(Uri master, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(master, "/api/v1/state"), cancellationToken);
            if (!response.IsSuccessStatusCode) return null; // a standby redirects (307)
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var active = json.GetProperty("agents").EnumerateArray().Count(a => a.GetProperty("active").GetBoolean());
            return new AgentCount(active, json.GetProperty("recovered_agents").GetArrayLength(),
                json.GetProperty("master").TryGetProperty("offers_held", out var held) && held.GetBoolean());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            if (cancellationToken.IsCancellationRequested) throw;
            return null;
        }
    }

    /// <summary>Per agent id: whether it is active, and how many tasks the master has RUNNING on it; null when the master does not answer.</summary>
    public async Task<IReadOnlyDictionary<string, (bool Active, int Running)>?> AgentTasksAsync(Uri master, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(master, "/api/v1/state"), cancellationToken);
            if (!response.IsSuccessStatusCode) return null;
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var running = json.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("state").GetString() == "TASK_RUNNING")
                .GroupBy(t => t.GetProperty("agent_id").GetString() ?? "").ToDictionary(g => g.Key, g => g.Count());
            return json.GetProperty("agents").EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString() ?? "",
                a => (a.GetProperty("active").GetBoolean(), running.GetValueOrDefault(a.GetProperty("id").GetString() ?? "")));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            if (cancellationToken.IsCancellationRequested) throw;
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
