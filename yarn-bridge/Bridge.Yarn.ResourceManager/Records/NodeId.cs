using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bridge.Yarn.ResourceManager.Records;

/// <summary>
/// A NodeManager's id, written <c>host:port</c> (Hadoop's <c>NodeId.toString</c>; the port is the NM's RPC port).
/// </summary>
/// <param name="Host">The NodeManager's host name, as requests name it in <see cref="ResourceRequest.ResourceName"/>.</param>
/// <param name="Port">The NodeManager's RPC port (0 to 65535).</param>
public readonly record struct NodeId(string Host, int Port)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    /// <summary>Parses <c>host:port</c> (split at the last colon).</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not <c>host:port</c>.</exception>
    public static NodeId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"Invalid NodeId [{text}]. Expected host:port");

    /// <summary>Parses <c>host:port</c>; false when the host is empty or the port not 0 to 65535.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out NodeId id)
    {
        id = default;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (colon <= 0) return false;
        if (!RecordText.TryInt(text![(colon + 1)..], out var port) || port > 65535) return false;
        id = new NodeId(text[..colon], port);
        return true;
    }
}
