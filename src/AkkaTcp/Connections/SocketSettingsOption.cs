using System.Net.Sockets;
using Akka.IO;

namespace AkkaTcp.Configuration;

/// <summary>
/// Applies socket settings to a connected socket. Akka.IO 1.5.74 has no keepalive or no-delay
/// option types and never applies its own buffer-size settings, but it calls
/// <see cref="AfterConnect"/> on every socket accepted under a Tcp.Bind or dialled by a
/// Tcp.Connect that carries this option. Public by design: the client library dials with it.
/// </summary>
public sealed class SocketSettingsOption(SocketSettings settings) : Inet.SocketOption
{
    public override void AfterConnect(Socket socket)
    {
        try
        {
            socket.NoDelay = settings.NoDelay;
            if (settings.ReceiveBufferSize > 0)
                socket.ReceiveBufferSize = settings.ReceiveBufferSize;
            if (settings.SendBufferSize > 0)
                socket.SendBufferSize = settings.SendBufferSize;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, settings.KeepAlive);
            if (settings.KeepAlive)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)settings.KeepAliveTime.TotalSeconds);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)settings.KeepAliveInterval.TotalSeconds);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, settings.KeepAliveCount);
            }
        }
        catch (SocketException)
        {
            // The peer is already gone; the connection actor will see the socket close.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
