using System.Text;

namespace Bridge.Eventing.Bus.Routing;

/// <summary>
/// Rendezvous (highest-random-weight) hashing, Thaler and Ravishankar 1998: a session goes to the
/// node with the highest score <c>hash(session id, node id)</c>. Adding a node moves only the sessions
/// that now score highest on it; losing a node moves only the sessions it had. No ring, no virtual
/// nodes, O(nodes) per lookup, which at the tens of back-end nodes a bus runs is a few hundred
/// nanoseconds. The hash is 64-bit FNV-1a over both ids followed by the SplitMix64 finaliser (so
/// that near-identical inputs score independently); it is stable across processes and versions,
/// which the API-tier replicas rely on to agree without talking to each other.
/// </summary>
public static class RendezvousRouter
{
    /// <summary>The node <paramref name="sessionId"/> belongs to among <paramref name="nodes"/>, or null when there are none.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="nodes">The live nodes' ids, in any order (the result does not depend on it).</param>
    public static string? Pick(string sessionId, IEnumerable<string> nodes)
    {
        string? best = null;
        var bestScore = 0UL;
        foreach (var node in nodes)
        {
            var score = Score(sessionId, node);
            // Ties (vanishingly rare) go to the smaller id, so every replica agrees.
            if (best is null || score > bestScore || (score == bestScore && string.CompareOrdinal(node, best) < 0))
            {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>The score of <paramref name="node"/> for <paramref name="sessionId"/>.</summary>
    public static ulong Score(string sessionId, string node)
    {
        var hash = 14695981039346656037UL;
        hash = Fnv(hash, sessionId);
        hash = (hash ^ 0xFF) * 1099511628211UL; // a separator byte no UTF-8 text contains
        hash = Fnv(hash, node);
        return Mix(hash);
    }

    private static ulong Fnv(ulong hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(text) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(text, buffer)] : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
