using System.Net;
using System.Net.Sockets;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// A loopback server that resets every connection as soon as it accepts it (SO_LINGER 0, then
/// close): a server dying with a full accept queue, or a balancer rejecting with RST. Stops at
/// Dispose, freeing its port for a healthy server.
/// </summary>
public sealed class ResettingListener : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ResettingListener()
    {
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, ReusablePort.Next())); // a healthy server takes it over
        _listener.Listen(512);
        _accepting = Task.Run(AcceptAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Connections reset so far.</summary>
    public int Reset { get; private set; }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var accepted = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false); // not on the test framework's few threads
                accepted.LingerState = new LingerOption(true, 0);
                accepted.Close();
                Reset++;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _accepting.Wait(TimeSpan.FromSeconds(5));
    }
}
