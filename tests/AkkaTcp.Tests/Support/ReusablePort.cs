using System.Net;
using System.Net.Sockets;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// Loopback ports for tests that listen on a port again after a stop, or hand a port to another
/// process. They lie below the kernel's ephemeral range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>),
/// so no client's connect and no bind to port 0 — another test's, running in parallel — can take
/// one between the stop and the next start (a port from the ephemeral range once failed a restart
/// with "Address already in use" that way). Each call answers a different port, free for TCP and UDP
/// when asked.
/// </summary>
public static class ReusablePort
{
    private static readonly int Lowest = EphemeralLow() - 12_000;
    private static int _offset = Random.Shared.Next(0, 5_000);

    public static int Next()
    {
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Lowest + Interlocked.Increment(ref _offset) % 11_000;
            if (IsFree(port, SocketType.Stream, ProtocolType.Tcp) && IsFree(port, SocketType.Dgram, ProtocolType.Udp))
                return port;
        }
        throw new InvalidOperationException("no free loopback port below the ephemeral range");
    }

    private static bool IsFree(int port, SocketType type, ProtocolType protocol)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return Math.Max(int.Parse(range[0]), 13_000);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 32_768; // Linux's default
        }
    }
}
