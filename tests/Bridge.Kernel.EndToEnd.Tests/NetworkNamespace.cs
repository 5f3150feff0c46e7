using System.Diagnostics;
using System.Net;

namespace Bridge.Kernel.EndToEnd.Tests;

/// <summary>
/// A network namespace the test creates for itself (iproute2, as root), joined to the host by a veth pair on a /30:
/// the host end is <see cref="HostAddress"/>, the end inside is <see cref="InsideAddress"/>. <see cref="Partition"/>
/// takes the host end down (packets are dropped both ways, no reset is sent: a real partition), <see cref="Heal"/>
/// brings it back. Deleted, with the pair, on dispose.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private readonly string _hostLink;

    private NetworkNamespace(string name, string hostLink, IPAddress host, IPAddress inside)
    {
        Name = name;
        _hostLink = hostLink;
        HostAddress = host;
        InsideAddress = inside;
    }

    /// <summary>The namespace's name (for <c>ip netns exec NAME ...</c>).</summary>
    public string Name { get; }

    /// <summary>The host's address on the link.</summary>
    public IPAddress HostAddress { get; }

    /// <summary>The namespace's address on the link.</summary>
    public IPAddress InsideAddress { get; }

    /// <summary>Creates the namespace and the link, with loopback up inside.</summary>
    /// <exception cref="InvalidOperationException">An <c>ip</c> command failed (not root, no iproute2); its stderr is in the message.</exception>
    public static NetworkNamespace Create()
    {
        var id = Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x6");
        var subnet = Random.Shared.Next(0, 64) * 4;
        var octet = Random.Shared.Next(1, 255);
        var (host, inside) = (IPAddress.Parse($"10.231.{octet}.{subnet + 1}"), IPAddress.Parse($"10.231.{octet}.{subnet + 2}"));
        var ns = new NetworkNamespace($"bridge-test-{id}", $"vb{id}", host, inside);
        try
        {
            Ip("netns", "add", ns.Name);
            Ip("link", "add", ns._hostLink, "type", "veth", "peer", "name", $"vn{id}");
            Ip("link", "set", $"vn{id}", "netns", ns.Name);
            Ip("addr", "add", $"{host}/30", "dev", ns._hostLink);
            Ip("link", "set", ns._hostLink, "up");
            Ip("netns", "exec", ns.Name, "ip", "addr", "add", $"{inside}/30", "dev", $"vn{id}");
            Ip("netns", "exec", ns.Name, "ip", "link", "set", $"vn{id}", "up");
            Ip("netns", "exec", ns.Name, "ip", "link", "set", "lo", "up");
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Cuts the link: from now on nothing passes either way.</summary>
    public void Partition() => Ip("link", "set", _hostLink, "down");

    /// <summary>Restores the link (its address and route come back with it).</summary>
    public void Heal() => Ip("link", "set", _hostLink, "up");

    /// <summary>Deletes the namespace and the link.</summary>
    public void Dispose()
    {
        TryIp("netns", "del", Name);
        TryIp("link", "del", _hostLink);
    }

    private static void Ip(params string[] arguments)
    {
        var (code, error) = Run(arguments);
        if (code != 0) throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({code}): {error.Trim()}");
    }

    private static void TryIp(params string[] arguments) => Run(arguments);

    private static (int Code, string Error) Run(string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
