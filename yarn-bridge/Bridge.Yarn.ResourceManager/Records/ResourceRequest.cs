using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Yarn.ResourceManager.Records;

/// <summary>
/// An ApplicationMaster's ask: <see cref="NumContainers"/> containers of <see cref="Capability"/> at
/// <see cref="Priority"/>, at <see cref="ResourceName"/> (a host name, a rack such as <c>/default-rack</c>, or
/// <c>*</c> for anywhere). Asks are absolute: a new request for the same (priority, resourceName, capability)
/// replaces the old one (Hadoop's <c>AppSchedulingInfo.updateResourceRequests</c>). <see cref="RelaxLocality"/>
/// false on a rack or <c>*</c> request forbids allocating at that level (a strict node or rack request).
/// Written as Hadoop 2's <c>ResourceRequest.toString</c>:
/// <c>{Priority: 1, Capability: &lt;memory:1024, vCores:1&gt;, # Containers: 2, Location: *, Relax Locality: true}</c>.
/// </summary>
/// <param name="Priority">Lower is more important.</param>
/// <param name="ResourceName">Host, rack or <see cref="Any"/>.</param>
/// <param name="Capability">The size of each container (MB, vcores).</param>
/// <param name="NumContainers">How many containers are wanted (0 cancels the ask).</param>
/// <param name="RelaxLocality">Whether the scheduler may fall back from this level (default true).</param>
public readonly record struct ResourceRequest(Priority Priority, string ResourceName, Resource Capability, int NumContainers, bool RelaxLocality = true)
{
    /// <summary>The resource name meaning "any host" (Hadoop's <c>ResourceRequest.ANY</c>).</summary>
    public const string Any = "*";

    /// <summary>True when this request names no particular host or rack.</summary>
    public bool IsAny => ResourceName == Any;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{{Priority: {Priority}, Capability: {Capability}, # Containers: {NumContainers}, Location: {ResourceName}, Relax Locality: {(RelaxLocality ? "true" : "false")}}}");

    /// <summary>Parses the <see cref="ToString"/> form.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not in that form.</exception>
    public static ResourceRequest Parse(string text) =>
        TryParse(text, out var r) ? r : throw new FormatException($"Invalid ResourceRequest: {text}");

    /// <summary>Parses the <see cref="ToString"/> form; false otherwise.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ResourceRequest request)
    {
        request = default;
        if (text is null || !text.StartsWith("{Priority: ", StringComparison.Ordinal) || !text.EndsWith('}')) return false;
        if (!Between(text, "{Priority: ", ", Capability: ", out var p) || !Priority.TryParse(p, out var priority)) return false;
        if (!Between(text, ", Capability: ", ", # Containers: ", out var c) || !Resource.TryParse(c, out var capability)) return false;
        if (!Between(text, ", # Containers: ", ", Location: ", out var n)
            || !int.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count)) return false;
        if (!Between(text, ", Location: ", ", Relax Locality: ", out var location) || location.Length == 0) return false;
        if (!Between(text, ", Relax Locality: ", "}", out var relax) || relax is not ("true" or "false")) return false;
        request = new ResourceRequest(priority, location, capability, count, relax == "true");
        return true;
    }

    private static bool Between(string text, string start, string end, out string value)
    {
        value = "";
        var s = text.IndexOf(start, StringComparison.Ordinal);
        if (s < 0) return false;
        s += start.Length;
        var e = end == "}" ? text.Length - 1 : text.IndexOf(end, s, StringComparison.Ordinal);
        if (e < s) return false;
        value = text[s..e];
        return true;
    }
}
