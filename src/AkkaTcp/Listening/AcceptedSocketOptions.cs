using System.Net.Sockets;
using Akka.IO;
using AkkaTcp.Configuration;

namespace AkkaTcp.Listening;

/// <summary>
/// Applies a server's socket settings to each accepted socket. Akka.IO 1.5.74 has no keepalive or
/// no-delay option types and never applies its own buffer-size settings, but it calls
/// <see cref="AfterConnect"/> on every accepted socket with the options given to Tcp.Bind.
/// </summary>
internal sealed class AcceptedSocketOptions(SocketSettings settings) : Inet.SocketOption
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
            // The client is already gone; the connection actor will see the socket close.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
