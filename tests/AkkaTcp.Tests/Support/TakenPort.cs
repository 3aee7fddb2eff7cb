using System.Net;
using System.Net.Sockets;

namespace AkkaTcp.Tests.Support;

/// <summary>A loopback port held open by another listener, so that binding it must fail.</summary>
public sealed class TakenPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public TakenPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.Listen();
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
