using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AkkaTcp.Listening;

/// <summary>
/// Linux's table of bound UDP sockets (/proc/net/udp and udp6): whether a port is bound, read
/// without opening a socket. Each line's second field is the local address and port in hex, the
/// address as the kernel holds it in memory, 32 bits at a time.
/// </summary>
internal static class UdpSocketTable
{
    private const string V4 = "/proc/net/udp";
    private const string V6 = "/proc/net/udp6";

    public static bool IsReadable => File.Exists(V4);

    /// <summary>True if a socket is bound to <paramref name="endPoint"/>'s port on its address or on the wildcard.</summary>
    public static bool IsBound(IPEndPoint endPoint)
    {
        var path = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? V6 : V4;
        if (!File.Exists(path))
            return false;
        var port = endPoint.Port.ToString("X4", CultureInfo.InvariantCulture);
        var address = Hex(endPoint.Address);
        var any = Hex(endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any);
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var local = fields.Length > 1 ? fields[1].Split(':') : [];
            if (local.Length == 2 && local[1] == port && (local[0] == address || local[0] == any || address == any))
                return true;
        }
        return false;
    }

    private static string Hex(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        var hex = new System.Text.StringBuilder(bytes.Length * 2);
        for (var i = 0; i < bytes.Length; i += 4)
            hex.Append(BitConverter.ToUInt32(bytes, i).ToString("X8", CultureInfo.InvariantCulture));
        return hex.ToString();
    }
}
