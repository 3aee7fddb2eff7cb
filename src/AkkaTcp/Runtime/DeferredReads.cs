using System.Net;
using System.Net.Sockets;

namespace AkkaTcp.Runtime;

/// <summary>
/// Resumes reading for connections in the socket engine's next event batch instead of at once.
/// Connections read in pull mode: Akka.IO stops after every chunk it delivers. Resumed at once, the
/// next receive nearly always finds the socket empty (the client has not yet seen the reply) and
/// costs a system call that only returns EAGAIN. Resumed one batch later, after the engine has
/// served the other sockets that were ready, the next request is usually there: one receive per
/// request instead of two (src/AkkaTcp.Bench/README.md). The batch boundary is a UDP socket
/// connected to itself: the first deferral sends it a byte, whose receive completes in the
/// engine's next batch and resumes every deferred reader.
/// </summary>
internal static class DeferredReads
{
    private static readonly object Gate = new();
    private static readonly byte[] Kick = [1];
    private static List<IDeferredRead> _deferred = [];
    private static List<IDeferredRead>? _spare = [];
    private static bool _kicked;
    private static bool _unavailable;
    private static Socket? _socket;
    private static SocketAsyncEventArgs? _receive;

    /// <summary>Resumes <paramref name="reader"/> in the socket engine's next batch (at once, should the kick socket fail).</summary>
    public static void Defer(IDeferredRead reader)
    {
        bool kick;
        lock (Gate)
        {
            if (_unavailable || (_socket is null && !TryOpen()))
            {
                reader.ResumeDeferredRead();
                return;
            }
            _deferred.Add(reader);
            kick = !_kicked;
            _kicked = true;
        }
        if (!kick)
            return;
        try
        {
            _socket!.Send(Kick);
        }
        catch (SocketException)
        {
            Fail();
        }
    }

    private static bool TryOpen()
    {
        try
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Connect(socket.LocalEndPoint!);
            _receive = new SocketAsyncEventArgs();
            _receive.SetBuffer(new byte[16], 0, 16);
            _receive.Completed += (_, _) => OnKick();
            _socket = socket;
        }
        catch (SocketException)
        {
            _unavailable = true;
            return false;
        }
        return Arm();
    }

    /// <summary>Keeps a receive pending on the kick socket; a datagram already queued is consumed here, so the flush always waits for the next batch.</summary>
    private static bool Arm()
    {
        try
        {
            while (!_socket!.ReceiveAsync(_receive!))
            {
                if (_receive!.SocketError != SocketError.Success)
                    return Unavailable();
            }
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return Unavailable();
        }
    }

    private static bool Unavailable()
    {
        _unavailable = true;
        return false;
    }

    /// <summary>Re-armed before the flush, so that a kick sent while flushing comes up in the batch after.</summary>
    private static void OnKick()
    {
        bool armed;
        lock (Gate)
        {
            _kicked = false;
            armed = _receive!.SocketError == SocketError.Success && Arm();
        }
        if (!armed)
            Fail();
        Flush();
    }

    private static void Fail()
    {
        lock (Gate)
            _unavailable = true;
        Flush();
    }

    private static void Flush()
    {
        List<IDeferredRead> batch;
        lock (Gate)
        {
            if (_deferred.Count == 0)
                return;
            batch = _deferred;
            _deferred = _spare ?? []; // a list of its own while another flush iterates the spare
            _spare = null;
        }
        foreach (var reader in batch)
            reader.ResumeDeferredRead();
        batch.Clear();
        lock (Gate)
            _spare ??= batch;
    }
}

/// <summary>A reader whose read <see cref="DeferredReads"/> resumes. Called on the socket engine's thread, beside the reader's own actor.</summary>
internal interface IDeferredRead
{
    void ResumeDeferredRead();
}
