using Bridge.Kernel;

namespace Bridge.Schedulers.Services.Placement.Internal;

/// <summary>Chooses a host port for each of the app's port definitions (see <see cref="OfferMatcher"/>).</summary>
internal sealed class PortStage(Random? random) : IOfferStage
{
    // Port 0 and numbers past 65535 are never host ports, whatever an agent offers.
    private static readonly ValueRanges NotPorts = ValueRanges.Of([new ValueRange(0, 0), new ValueRange(65536, ulong.MaxValue)]);

    public void Check(MatchContext context)
    {
        var app = context.App;
        int count = app.PortDefinitions.Count;
        if (count == 0) return;
        var offered = context.Usable.Where(r => r.Name == "ports" && r.Type == ResourceType.Ranges).ToList();
        var hostPorts = new int[count];
        var fixedPorts = new List<ValueRange>();
        var taken = new List<Resource>();
        for (int i = 0; i < count; i++)
        {
            int port = app.PortDefinitions[i].Port;
            if (!app.RequirePorts || port == 0) continue;
            var source = offered.FirstOrDefault(r => r.Ranges.Contains((ulong)port));
            if (source is null)
            {
                context.Reject(RejectReason.InsufficientPorts, $"host port {port} (requirePorts) is not offered");
                return;
            }
            hostPorts[i] = port;
            fixedPorts.Add(new ValueRange((ulong)port, (ulong)port));
            taken.Add(Resource.OfRanges("ports", ValueRanges.Of((ulong)port, (ulong)port), source.Reservation));
        }
        var dynamic = Enumerable.Range(0, count).Where(i => hostPorts[i] == 0).ToList();
        if (!TakeDynamic(offered, ValueRanges.Of(fixedPorts), dynamic.Count, taken, out var chosen, out ulong free))
        {
            context.Reject(RejectReason.InsufficientPorts, $"{dynamic.Count} dynamic host port{(dynamic.Count == 1 ? "" : "s")} needed, {free} offered");
            return;
        }
        for (int j = 0; j < dynamic.Count; j++) hostPorts[dynamic[j]] = chosen[j];
        context.Taken.AddRange(taken);
        context.HostPorts = hostPorts;
    }

    // Takes `need` ports from the offered ranges less the fixed ports: from each resource in turn (reserved
    // ones come first), consecutive ports from a random start, wrapping around.
    private bool TakeDynamic(List<Resource> offered, ValueRanges exclude, int need, List<Resource> taken, out List<int> chosen, out ulong free)
    {
        chosen = [];
        var pools = offered.Select(r => (Resource: r, Free: r.Ranges.Except(exclude).Except(NotPorts))).ToList();
        free = pools.Aggregate(0UL, (sum, p) => sum + p.Free.ValueCount);
        if (free < (ulong)need) return false;
        foreach (var (resource, pool) in pools)
        {
            if (chosen.Count == need) break;
            ulong start = random is null || pool.ValueCount == 0 ? 0 : (ulong)random.NextInt64((long)pool.ValueCount);
            foreach (ulong port in Walk(pool, start).Take(need - chosen.Count))
            {
                chosen.Add((int)port);
                taken.Add(Resource.OfRanges("ports", ValueRanges.Of(port, port), resource.Reservation));
            }
        }
        return true;
    }

    /// <summary>The values of <paramref name="ranges"/> from the one at index <paramref name="start"/> to the
    /// last, then from the first up to (not including) the start.</summary>
    private static IEnumerable<ulong> Walk(ValueRanges ranges, ulong start)
    {
        ulong index = 0;
        foreach (var r in ranges)
        {
            if (index + r.Count <= start)
            {
                index += r.Count;
                continue;
            }
            for (ulong v = r.Begin + Math.Max(start, index) - index; v <= r.End; v++) yield return v;
            index += r.Count;
        }
        index = 0;
        foreach (var r in ranges)
        {
            if (index >= start) yield break;
            ulong end = Math.Min(r.End, r.Begin + (start - index) - 1);
            for (ulong v = r.Begin; v <= end; v++) yield return v;
            index += r.Count;
        }
    }
}
