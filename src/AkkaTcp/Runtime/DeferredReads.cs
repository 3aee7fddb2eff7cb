using System.Net;
using System.Net.Sockets;

namespace AkkaTcp.Runtime;

/// <summary>
/// Resumes reading for connections in the socket engine's next event batch instead of at once.
/// Connections read in pull mode: Akka.IO stops after every chunk it delivers. Resumed at once, the
/// next receive nearly always finds the socket empty (the client has not yet seen the reply) and
/// costs a system call that only returns EAGAIN. Resumed one batch later, after the engine has
/// served the other sockets that were ready, the next request is usually there: one receive per
/// request instead of two (src/AkkaTcp.Bench/README.md).
/// <para>
/// The batch boundary is a UDP socket connected to itself (a <see cref="Kicker"/>): the first
/// deferral sends it a byte, whose receive completes in its engine's next batch and resumes every
/// reader deferred with it. .NET spreads sockets over its engine threads (one per core with inline
/// completions), so there are a few kickers, and a thread defers with the one its own engine
/// serves: the resumed receive, and with the inline executor the request it brings, stay on the
/// thread the connection's bytes arrive on, and no engine ends up running the others' connections.
/// </para>
/// </summary>
internal static class DeferredReads
{
    // Below this many readers a batch's objects stay in the caches, and an idle connection that
    // answered once keeps no list.
    internal const int PrefetchBatch = 32;
    private static readonly object Gate = new();
    private static Kicker[]? _kickers;
    private static bool _unavailable;

    // The kicker served by this thread's engine, once found.
    [ThreadStatic]
    private static Kicker? _own;

    /// <summary>Resumes <paramref name="reader"/> in the socket engine's next batch (at once, should the kick sockets fail).</summary>
    public static void Defer(IDeferredRead reader)
    {
        var kicker = _own ?? Choose();
        if (kicker is null || !kicker.TryDefer(reader))
            reader.ResumeDeferredRead();
    }

    /// <summary>
    /// Resumes each reader in turn. In a large batch the readers' objects are no longer in the
    /// CPU's caches, so each reader's are prefetched while the ones before it run: itself two
    /// turns ahead, then, once its own fields are cached, what it points to one turn ahead.
    /// </summary>
    internal static void Resume(List<IDeferredRead> batch)
    {
        var count = batch.Count;
        var prefetch = count >= PrefetchBatch;
        for (var i = 0; i < count; i++)
        {
            if (prefetch)
            {
                if (i + 2 < count)
                    batch[i + 2].PrefetchSelf();
                if (i + 1 < count)
                    batch[i + 1].PrefetchHot();
            }
            batch[i].ResumeDeferredRead();
        }
    }

    /// <summary>The kicker whose completions run on this thread, else any (a pool thread, or before the engines are known).</summary>
    private static Kicker? Choose()
    {
        var kickers = _kickers ?? Open();
        if (kickers is null)
            return null;
        var thread = Environment.CurrentManagedThreadId;
        foreach (var kicker in kickers)
        {
            if (kicker.EngineThread == thread)
                return _own = kicker;
        }
        return kickers[0];
    }

    private static Kicker[]? Open()
    {
        lock (Gate)
        {
            if (_kickers is not null || _unavailable)
                return _kickers;
            try
            {
                // .NET hands sockets to its engines in turn: twice the engine count of kickers
                // very likely covers each engine even while other sockets register meanwhile.
                var count = Math.Clamp(2 * Environment.ProcessorCount, 2, 32);
                var kickers = new Kicker[count];
                for (var i = 0; i < count; i++)
                    kickers[i] = new Kicker();
                foreach (var kicker in kickers)
                    kicker.Discover();
                return _kickers = kickers;
            }
            catch (SocketException)
            {
                _unavailable = true;
                return null;
            }
        }
    }

    /// <summary>One kick socket and the readers deferred with it.</summary>
    private sealed class Kicker
    {
        private static readonly byte[] Kick = [1];
        private readonly object _gate = new();
        private readonly Socket _socket;
        private readonly SocketAsyncEventArgs _receive = new();
        private List<IDeferredRead> _deferred = [];
        private List<IDeferredRead>? _spare = [];
        private bool _kicked;
        private bool _failed;

        public Kicker()
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _socket.Connect(_socket.LocalEndPoint!);
            _receive.SetBuffer(new byte[16], 0, 16);
            _receive.Completed += (_, _) => OnKick();
            if (!Arm())
                throw new SocketException((int)SocketError.SocketError);
        }

        /// <summary>The managed id of the thread its last kick completed on: its engine's, with inline completions.</summary>
        public int EngineThread { get; private set; }

        /// <summary>A first kick, so that the engine thread serving this socket becomes known.</summary>
        public void Discover()
        {
            lock (_gate)
                _kicked = true;
            SendKick();
        }

        public bool TryDefer(IDeferredRead reader)
        {
            bool kick;
            lock (_gate)
            {
                if (_failed)
                    return false;
                _deferred.Add(reader);
                kick = !_kicked;
                _kicked = true;
            }
            if (kick)
                SendKick();
            return true;
        }

        private void SendKick()
        {
            try
            {
                _socket.Send(Kick);
            }
            catch (SocketException)
            {
                Fail();
            }
        }

        /// <summary>Keeps a receive pending; a datagram already queued is consumed here, so the flush always waits for the next batch.</summary>
        private bool Arm()
        {
            try
            {
                while (!_socket.ReceiveAsync(_receive))
                {
                    if (_receive.SocketError != SocketError.Success)
                        return false;
                }
                return true;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }

        /// <summary>Re-armed before the flush, so that a kick sent while flushing comes up in the batch after.</summary>
        private void OnKick()
        {
            EngineThread = Environment.CurrentManagedThreadId;
            bool armed;
            lock (_gate)
            {
                _kicked = false;
                armed = _receive.SocketError == SocketError.Success && Arm();
            }
            if (!armed)
                Fail();
            Flush();
        }

        /// <summary>From now on deferrals resume at once; those waiting resume now.</summary>
        private void Fail()
        {
            lock (_gate)
                _failed = true;
            Flush();
        }

        private void Flush()
        {
            List<IDeferredRead> batch;
            lock (_gate)
            {
                if (_deferred.Count == 0)
                    return;
                batch = _deferred;
                _deferred = _spare ?? []; // a list of its own while another flush iterates the spare
                _spare = null;
            }
            Resume(batch);
            batch.Clear();
            lock (_gate)
                _spare ??= batch;
        }
    }
}

/// <summary>A reader whose read <see cref="DeferredReads"/> resumes. Called on a socket engine's thread, beside the reader's own actor.</summary>
internal interface IDeferredRead
{
    void ResumeDeferredRead();

    /// <summary>Prefetches the reader itself and its list of <see cref="HotObjects"/>: two turns ahead of its own.</summary>
    void PrefetchSelf();

    /// <summary>Prefetches what its next request touches (its list, gathered once it has been busy in a few large batches): one turn ahead.</summary>
    void PrefetchHot();
}
