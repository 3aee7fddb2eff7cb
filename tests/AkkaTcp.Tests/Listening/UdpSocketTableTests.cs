using System.Net;
using System.Net.Sockets;
using AkkaTcp.Listening;
using Xunit;

namespace AkkaTcp.Tests.Listening;

/// <summary>
/// The kernel's UDP table (Linux), read to see whether a stopped UDP server's port is free without
/// opening a probe socket, against real sockets.
/// </summary>
public sealed class UdpSocketTableTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void A_bound_port_is_listed_until_its_socket_closes(string address)
    {
        var ip = IPAddress.Parse(address);
        var socket = new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(ip, 0));
        var bound = (IPEndPoint)socket.LocalEndPoint!;

        Assert.True(UdpSocketTable.IsBound(bound));
        socket.Dispose();
        Assert.False(UdpSocketTable.IsBound(bound));
    }

    [Fact]
    public void A_port_bound_on_one_address_is_free_on_another()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;

        Assert.False(UdpSocketTable.IsBound(new IPEndPoint(IPAddress.Parse("127.0.0.4"), port)));
        Assert.True(UdpSocketTable.IsBound(new IPEndPoint(IPAddress.Any, port))); // the wildcard would clash
    }

    [Fact]
    public void A_socket_on_the_wildcard_address_takes_the_port_on_every_address()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;

        Assert.True(UdpSocketTable.IsBound(new IPEndPoint(IPAddress.Loopback, port)));
    }
}
