using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaTcp.Tests.Support;

/// <summary>A real UDP socket on loopback (optionally bound to another loopback address, e.g. 127.0.0.2, to be another source).</summary>
public sealed class DatagramClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly EndPoint _server;

    public DatagramClient(EndPoint server, string source = "127.0.0.1")
    {
        _server = server;
        _socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] datagram) => await _socket.SendToAsync(datagram, _server);

    /// <summary>The next datagram's text.</summary>
    public async Task<string> ReceiveAsync(CancellationToken cancel)
    {
        var buffer = new byte[65536];
        var result = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), cancel);
        return Encoding.UTF8.GetString(buffer, 0, result.ReceivedBytes);
    }

    public void Dispose() => _socket.Dispose();
}
