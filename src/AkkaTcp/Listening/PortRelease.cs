using System.Net;
using System.Net.Sockets;
using AkkaTcp.Configuration;

namespace AkkaTcp.Listening;

/// <summary>
/// Waits until a stopped server's port is really closed. Akka.IO closes the listening socket
/// before it reports Unbound (or as it stops with its server), but a process started by any thread
/// at that moment holds a copy of every socket from its fork until its exec: the port then still
/// listens in that copy for some milliseconds, and a server started again on it at once fails with
/// "Address already in use".
/// </summary>
internal static class PortRelease
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Completes once a bind of the same kind as the server's would succeed, or after
    /// <paramref name="timeout"/> (another listener may have taken the port meanwhile).
    /// </summary>
    public static async Task WaitAsync(IPEndPoint endPoint, Transport transport, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!IsFree(endPoint, transport) && Environment.TickCount64 < deadline)
            await Task.Delay(PollInterval).ConfigureAwait(false);
    }

    private static bool IsFree(IPEndPoint endPoint, Transport transport) =>
        transport == Transport.Udp && UdpSocketTable.IsReadable
            ? !UdpSocketTable.IsBound(endPoint)
            : ProbeBinds(endPoint, transport);

    /// <summary>
    /// Binds a probe like Akka.IO's socket (same family and address; for TCP .NET lets it bind over
    /// connections in TIME_WAIT, so only a socket still listening refuses it), and closes it at once.
    /// Not for UDP where the kernel's table can be read instead: a process forked while the probe
    /// is open holds it until its exec, and the restart would find the port taken by the probe.
    /// </summary>
    private static bool ProbeBinds(IPEndPoint endPoint, Transport transport)
    {
        using var probe = transport == Transport.Udp
            ? new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(endPoint);
            return true;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode != SocketError.AddressAlreadyInUse;
        }
    }
}
