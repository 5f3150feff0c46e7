namespace Bridge.Schedulers.Services.Definitions;

/// <summary>
/// One port a task needs (Marathon <c>portDefinitions[i]</c>). Its index is the task's
/// <c>$PORTi</c>. With <see cref="AppDefinition.RequirePorts"/> false (default) the host port is
/// chosen from the offer and a non-zero <see cref="Port"/> is only a service port (for load balancers);
/// with it true a non-zero <see cref="Port"/> is the host port itself.
/// </summary>
public sealed record PortDefinition
{
    /// <summary>The port number, 0–65535 (default 0: any).</summary>
    public int Port { get; init; }

    /// <summary>The protocol (default <see cref="PortProtocol.Tcp"/>).</summary>
    public PortProtocol Protocol { get; init; } = PortProtocol.Tcp;

    /// <summary>A name unique among the app's ports (lowercase letters, digits, '-'), or null.</summary>
    public string? Name { get; init; }

    /// <summary>Free-form labels (default: none).</summary>
    public ValueMap Labels { get; init; } = ValueMap.Empty;
}

/// <summary>The protocol of a port (Marathon <c>NetworkProtocol</c>).</summary>
public enum PortProtocol
{
    /// <summary><c>tcp</c> (default).</summary>
    Tcp,
    /// <summary><c>udp</c>.</summary>
    Udp,
    /// <summary><c>udp,tcp</c>: both.</summary>
    UdpTcp,
}
