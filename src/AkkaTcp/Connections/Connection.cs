using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using AkkaTcp.Configuration;
using AkkaTcp.Protocols;
using AkkaTcp.Runtime;

namespace AkkaTcp.Connections;

/// <summary>
/// One client connection: registered as the Akka.IO handler of its socket, it runs the protocol
/// session on received bytes and writes replies with acknowledged writes, at most one in flight.
/// Never restarted: socket state cannot be rebuilt, so a failure stops it and resets the socket.
/// States: (<see cref="ReadingProxyHeader"/> → <see cref="AwaitingAdmission"/>, with the PROXY
/// protocol) → <see cref="Queued"/> (waiting room, optional) → <see cref="Serving"/> →
/// <see cref="Closing"/> until Akka.IO reports the socket closed. Every timeout is a deadline on the
/// server's <see cref="ConnectionClock"/> that checks a timestamp when it passes, so no deadline
/// is moved per message.
/// </summary>
internal sealed partial class Connection : UntypedActor, IConnectionSinkOwner, IDeferredRead
{
    private ConnectionInfo _info;
    private readonly IActorRef _socket;
    private ServerSettings _settings;
    private readonly Admission _admission;
    private IProtocolSession _session = UnopenedSession.Instance;
    private readonly InputBuffer _input = new();
    private readonly OutputBuffer _output;
    private readonly ReplyOrder _replies;
    private ConnectionSink _sink = null!;
    private ILoggingAdapter? _log; // made at the first Debug line: idle connections hold none
    private readonly ServerMetrics _metrics;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private long _reportedPendingBytes;
    private long _bytesReceived;
    private long _bytesSent;
    private ConnectionState _state;
    private ConnectionFlags _flags;
    private readonly ConnectionClock _clock;
    private readonly ConnectionClock.Alarm _alarm;
    // When each timer is due (Environment.TickCount64 ms), or NoDeadline.
    private TimerDeadlines _deadlines;
    // 1 while a resume of reading is left with DeferredReads (read and cleared on its thread too).
    private int _readDeferred;
    // What a request touches, for DeferredReads to prefetch: gathered at this connection's
    // TurnsBeforeHotList-th turn in a large batch, on that batch's thread.
    private object[]? _hot;
    private int _largeBatchTurns;
    private const int TurnsBeforeHotList = 8;
    private int _missedHeartbeats;
    private long _lastInputAt;
    private long _writeStartedAt;
    private int _inFlightWireBytes;
    // A frame in progress: when its first bytes came (0 = none in progress), and bytes since.
    private long _partialFrameSince;
    private long _partialFrameBytes;
    private CloseReason? _closeReason;

    public Connection(ConnectionInfo info, IActorRef socket, ServerSettings settings, Admission admission, ServerMetrics metrics, ConnectionClock clock)
    {
        _clock = clock;
        _alarm = new ConnectionClock.Alarm(Self);
        _metrics = metrics;
        _info = info;
        _socket = socket;
        _settings = settings;
        _admission = admission;
        // Below the low-water mark: reading held back for output always waits on an ack that will come.
        _output = new OutputBuffer(settings.AckEveryWrites, Math.Min(OutputBuffer.UnacknowledgedBytesLimit, settings.WriteLowWaterMark - 1));
        _replies = new ReplyOrder(_output);
        OpenSession(admission != Admission.ReadProxyHeader);
    }

    /// <summary>Makes the sink for <see cref="_info"/>, and the protocol session when <paramref name="withSession"/> (after a PROXY header, once it named the client).</summary>
    private void OpenSession(bool withSession)
    {
        _sink = new ConnectionSink(_info, Self, _replies, this, _metrics);
        if (withSession)
            _session = _settings.Protocol.OpenSession(_info);
    }

    int IConnectionSinkOwner.HeldOutputBytes => _output.HeldBytes;

    int IConnectionSinkOwner.ServerMaxPendingOutputBytes => _settings.MaxPendingWriteBytes;

    // Called on the thread the work completed on: only a message to the actor (the sink's Self, as
    // Akka's Self is only valid on the actor's own thread).
    void IConnectionSinkOwner.OnDeferredDone(Task work, object? slot) => _sink.Self.Tell(new DeferredDone(work, slot!));

    private bool Has(ConnectionFlags flag) => (_flags & flag) != 0;

    protected override void PreStart()
    {
        // keepOpenOnPeerClosed: after the client's FIN we still owe replies to what it sent before.
        // The listener watches the socket for us (SocketGone): an actor that watches nothing keeps
        // Akka's small cell state, where watching would cost every idle connection half a KiB.
        _socket.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: true));
        _flags |= ConnectionFlags.ChunkPaused; // pull mode: nothing is read until we resume
        Start(_admission);
        ResumeAfterChunk();
    }

    /// <summary>
    /// Every chunk pauses Akka.IO's reading (pull mode). Unless the chunk's handling suspended
    /// reading, a full chunk resumes it at once (more is likely waiting), and a short one, which
    /// emptied the socket, in the socket engine's next batch, by when the client has usually sent
    /// more: a receive that would only find the socket empty is saved.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is not Tcp.Received received)
            return base.AroundReceive(receive, message);
        _flags |= ConnectionFlags.ChunkPaused;
        var handled = base.AroundReceive(receive, message);
        if (received.Data.Count >= _settings.SocketChunkSize)
            ResumeAfterChunk();
        else if (ChunkResumeDue)
        {
            _flags &= ~ConnectionFlags.ChunkPaused; // the deferral owns the resume now
            Volatile.Write(ref _readDeferred, 1);
            DeferredReads.Defer(this);
        }
        return handled;
    }

    /// <summary>
    /// Runs on the socket engine's thread, beside this actor, and Tells Akka.IO itself (no message
    /// to this actor first). Only a deferral still pending resumes: SuspendReading and the close
    /// withdraw it. Should a withdrawal race this resume, Akka.IO reads at most one chunk more, which
    /// the connection keeps without resuming again, as with a receive in flight at SuspendReading.
    /// </summary>
    void IDeferredRead.ResumeDeferredRead()
    {
        if (Interlocked.Exchange(ref _readDeferred, 0) == 1)
            _socket.Tell(Tcp.ResumeReading.Instance);
    }

    // The connection object and its list (at most 48 references: 7 lines).
    void IDeferredRead.PrefetchSelf()
    {
        CachePrefetch.Lines(this, 4);
        CachePrefetch.Lines(_hot, 7);
    }

    // Two lines of each: most of these objects whole, the start of the larger ones (cells, socket arguments).
    void IDeferredRead.PrefetchHot()
    {
        if (_hot is null)
        {
            // The list costs about 400 bytes: a connection earns it by being busy in large batches,
            // not by answering a few times (10,000 idle connections each pinged at once would all keep one).
            if (++_largeBatchTurns < TurnsBeforeHotList)
                return;
            _hot = HotObjects.Collect(_sink.Self, _socket, [_input, _output, _replies, _sink, _session, _alarm]);
        }
        foreach (var o in _hot)
            CachePrefetch.Lines(o, 2);
    }

    /// <summary>Takes back a resume left with DeferredReads; Akka.IO then stays paused after its chunk.</summary>
    private void WithdrawDeferredRead()
    {
        if (Interlocked.Exchange(ref _readDeferred, 0) == 1)
            _flags |= ConnectionFlags.ChunkPaused;
    }

    /// <summary>Acts on the listener's decision: at accept, or after a PROXY header.</summary>
    private void Start(Admission admission)
    {
        switch (admission)
        {
            case Admission.Serve:
                StartServing();
                break;
            case Admission.Queue:
                // One receive, then reading stops: what the client sent first is kept for when it
                // is served, and a client that hangs up at once is seen.
                ResumeAfterChunk();
                SuspendReading();
                Arm(TimerKind.QueueTimeout, _settings.QueueTimeout);
                _state = ConnectionState.Queued;
                break;
            case Admission.RateLimit:
                Refuse(CloseReason.RateLimited);
                break;
            case Admission.ReadProxyHeader:
                StartReadingProxyHeader();
                break;
            case Admission.ProxyRefused:
                BeginClose(CloseReason.ProxyProtocol);
                break;
            default:
                Refuse(CloseReason.Refused);
                break;
        }
    }

    /// <summary>
    /// Dispatches on <see cref="_state"/> rather than Akka's Become: a second behaviour would move
    /// every connection's cell to Akka's larger state (about half a KiB per idle connection).
    /// </summary>
    protected override void OnReceive(object message)
    {
        if (message is ConnectionClock.Alarm)
            OnAlarm();
        else
            ReceiveInState(message);
    }

    private void ReceiveInState(object message)
    {
        switch (_state)
        {
            case ConnectionState.Serving:
                Serving(message);
                break;
            case ConnectionState.Closing:
                Closing(message);
                break;
            case ConnectionState.Queued:
                Queued(message);
                break;
            case ConnectionState.ReadingProxyHeader:
                ReadingProxyHeader(message);
                break;
            case ConnectionState.AwaitingAdmission:
                AwaitingAdmission(message);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Queued(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                _bytesReceived += received.Data.Count;
                _metrics.OnReceived(received.Data.Count);
                _input.Append(received.Data.ToReadOnlySpan()); // kept for when it is served
                break;
            case Describe:
                Sender.Tell(Snapshot("waiting"));
                break;
            case Kick:
                Disarm(TimerKind.QueueTimeout);
                Refuse(CloseReason.Kicked);
                break;
            case Admit:
                Disarm(TimerKind.QueueTimeout);
                StartServing();
                break;
            case SettingsChanged changed:
                _settings = changed.Settings;
                break;
            case Tick { Kind: TimerKind.QueueTimeout }:
                _metrics.OnRejected(RefusalReasons.QueueTimeout);
                Refuse(CloseReason.Refused);
                break;
            case Drain:
                _metrics.OnRejected(RefusalReasons.ShuttingDown);
                Refuse(CloseReason.Shutdown);
                break;
            case Tcp.PeerClosed:
                _flags |= ConnectionFlags.PeerClosed; // still served when admitted: what it sent is owed a reply
                break;
            default:
                OnSocketEvent(message);
                break;
        }
    }

    private void Serving(object message)
    {
        switch (message)
        {
            case Tcp.Received received when _tls is null:
                OnReceived(received.Data);
                break;
            case Tcp.Received received:
                OnTlsReceived(received.Data);
                break;
            case WriteAck:
                OnWriteAck();
                break;
            case Tcp.PeerClosed:
                _flags |= ConnectionFlags.PeerClosed;
                _tls?.ReceiveEnd();
                if (Has(ConnectionFlags.SessionStarted))
                    _session.OnPeerClosed();
                // A client that hangs up mid-handshake (it refused our certificate) failed it.
                BeginClose(_tls is { IsOpen: false } ? CloseReason.TlsHandshake : CloseReason.PeerClosed);
                break;
            case DeferredDone done:
                OnDeferredDone(done);
                AfterDeferredReply();
                break;
            case SettingsChanged changed:
                OnSettingsChanged(changed.Settings);
                break;
            case Describe:
                Sender.Tell(Snapshot("serving"));
                break;
            case Kick:
                if (Has(ConnectionFlags.SessionStarted))
                    _session.TryWriteGoodbye();
                BeginClose(CloseReason.Kicked);
                break;
            case Drain:
                // Frames already read have been handled; what they are owed (deferred replies
                // included) is sent before the FIN. Bytes read from now on are not served.
                if (Has(ConnectionFlags.SessionStarted))
                    _session.TryWriteGoodbye();
                BeginClose(CloseReason.Shutdown);
                break;
            case Tick tick:
                OnTick(tick);
                break;
            case Tcp.Event:
                OnSocketEvent(message);
                break;
            default:
                var wasBusy = _session.IsBusy;
                if (_session.OnMessage(message))
                {
                    if (wasBusy)
                        ReofferInput();
                    AfterDeferredReply();
                }
                else
                {
                    Unhandled(message);
                }
                break;
        }
    }

    /// <summary>A session that was busy may now take the input it left unconsumed (sessions that are never busy never get here).</summary>
    private void ReofferInput()
    {
        if (!_input.IsEmpty && !_sink.IsClosing && !_session.IsBusy)
            OnInput(_input.Span, buffered: true);
    }

    private void Closing(object message)
    {
        switch (message)
        {
            case Tcp.Received or Admit or Drain or SettingsChanged or Kick:
                break; // Input after we decided to close is read only to see the client's FIN.
            case Describe:
                Sender.Tell(Snapshot("closing"));
                break;
            case Tcp.PeerClosed:
                OnPeerClosedWhileClosing();
                break;
            case WriteAck:
                OnWriteAck();
                break;
            case FinSent or Tcp.CommandFailed { Cmd: Tcp.Write { Ack: FinSent } }:
                // After the client's FIN Akka.IO forgets the ConfirmedClose and takes the probe as
                // a plain write; the Close re-sent then reports itself (Closed).
                if (!Has(ConnectionFlags.PeerClosed))
                    OnFinSent();
                break;
            case DeferredDone done:
                OnDeferredDone(done);
                Flush();
                SendCloseWhenFlushed();
                break;
            case not Tcp.Event when _session.OnMessage(message):
                Flush();
                SendCloseWhenFlushed();
                break;
            case Tick { Kind: TimerKind.CloseTimeout }:
                _socket.Tell(Tcp.Abort.Instance);
                break;
            case Tick { Kind: TimerKind.WriteTimeout }:
                OnTick(Tick.WriteTimeout);
                break;
            case Tick:
                break;
            default:
                OnSocketEvent(message);
                break;
        }
    }

    /// <summary>
    /// The client's FIN crossed our close. Akka.IO forgets a ConfirmedClose still flushing when the
    /// peer's EOF arrives (it reports PeerClosed and never sends our FIN), so once the client has
    /// closed, a plain Close is (re)sent: it flushes, sends the FIN and ends the socket.
    /// </summary>
    private void OnPeerClosedWhileClosing()
    {
        _flags |= ConnectionFlags.PeerClosed;
        if (Has(ConnectionFlags.SessionStarted))
            _session.OnPeerClosed();
        if (Has(ConnectionFlags.CloseSent) && !Has(ConnectionFlags.Aborted))
            _socket.Tell(Tcp.Close.Instance);
    }

    private void OnSocketEvent(object message)
    {
        switch (message)
        {
            case Tcp.ConnectionClosed closed:
                _flags |= ConnectionFlags.SocketClosed;
                if (Has(ConnectionFlags.CloseSent) && closed is not (Tcp.ErrorClosed or Tcp.Aborted))
                    OnFinSent(); // closed as we asked (a plain Close, or the client's FIN before the probe's answer)
                if (closed is Tcp.ErrorClosed error)
                    DebugLog?.Debug("Connection {ConnectionId} from {RemoteEndPoint}: socket error {Cause}", _info.Id, _info.RemoteEndPoint, error.Cause);
                _closeReason ??= _tls is { IsOpen: false } ? CloseReason.TlsHandshake // reset mid-handshake: it refused our certificate
                    : closed is Tcp.ErrorClosed or Tcp.Aborted ? CloseReason.Error : CloseReason.PeerClosed;
                Context.Stop(Self);
                break;
            case Tcp.CommandFailed:
                // A write refused by Akka.IO leaves a gap in the byte stream: the connection cannot go on.
                _closeReason ??= CloseReason.Error;
                Context.Stop(Self);
                break;
            case SocketGone:
                // Akka.IO's actor stopped without a close event: once it has our Register it sends
                // Aborted when stopped for any reason, but not before (its listener died meanwhile).
                _flags |= ConnectionFlags.SocketClosed;
                _closeReason ??= CloseReason.Error;
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void StartServing()
    {
        _state = ConnectionState.Serving;
        _lastInputAt = Environment.TickCount64;
        StartTimer(TimerKind.Idle, _settings.IdleTimeout);
        if (_settings.Tls.Enabled)
        {
            StartTimer(TimerKind.Handshake, _settings.TransportHandshakeTimeout);
            StartTls();
            return;
        }
        StartTimer(TimerKind.Handshake, _settings.HandshakeTimeout);
        StartSession();
    }

    /// <summary>Gives the session its sink and the input that waited (the waiting room's, or what came with the TLS handshake).</summary>
    private void StartSession()
    {
        _flags |= ConnectionFlags.SessionStarted;
        if (_settings.Heartbeat.Enabled)
            Arm(TimerKind.Heartbeat, _settings.Heartbeat.Interval);
        _session.OnConnected(_sink);
        if (!_input.IsEmpty)
            OnInput(_input.Span, buffered: true);
        if (_sink.IsClosing || _closeReason is not null)
        {
            AfterSession();
            return;
        }
        if (Has(ConnectionFlags.PeerClosed))
        {
            _session.OnPeerClosed();
            BeginClose(CloseReason.PeerClosed);
            return;
        }
        ResumeReading();
        AfterSession();
    }

    private void OnReceived(ByteString data)
    {
        var chunk = data.ToReadOnlySpan();
        CountReceived(chunk.Length);
        OnPlaintext(chunk);
        TrackPartialFrame(chunk.Length);
        AfterSession();
    }

    /// <summary>Bytes that came off the socket (wire bytes: ciphertext, with TLS).</summary>
    private void CountReceived(int bytes)
    {
        _metrics.OnReceived(bytes);
        _bytesReceived += bytes;
        _lastInputAt = Environment.TickCount64;
        _flags |= ConnectionFlags.InputSinceHeartbeat;
    }

    /// <summary>The protocol's bytes: decoded in place when nothing is buffered, else after what is.</summary>
    private void OnPlaintext(ReadOnlySpan<byte> chunk)
    {
        if (_input.IsEmpty)
        {
            var consumed = OnInput(chunk, buffered: false);
            if (consumed < chunk.Length && !_sink.IsClosing)
                _input.Append(chunk[consumed..]);
        }
        else
        {
            _input.Append(chunk);
            OnInput(_input.Span, buffered: true);
        }
    }

    /// <summary>Counts the bytes of a frame still in progress, for min-receive-rate.</summary>
    private void TrackPartialFrame(int received)
    {
        if (_input.IsEmpty || _sink.IsClosing || !_settings.MinReceiveRate.Enabled)
        {
            _partialFrameSince = 0;
            return;
        }
        if (_partialFrameSince != 0)
        {
            _partialFrameBytes += received;
            return;
        }
        _partialFrameSince = Environment.TickCount64;
        _partialFrameBytes = _input.Length;
        if (!IsArmed(TimerKind.MinRate))
            Arm(TimerKind.MinRate, _settings.MinReceiveRate.GracePeriod);
    }

    /// <summary>
    /// Checks the frame in progress once its grace period is over, then every second while it
    /// lasts. Time when the server was not reading (backpressure, a busy session) starts the count anew.
    /// </summary>
    private void OnMinRateTick()
    {
        if (_partialFrameSince == 0)
            return; // no frame in progress: the check stops until one starts
        var now = Environment.TickCount64;
        var rate = _settings.MinReceiveRate;
        if (Has(ConnectionFlags.ReadingSuspended) || _session.IsBusy)
        {
            _partialFrameSince = now;
            _partialFrameBytes = 0;
            Arm(TimerKind.MinRate, rate.GracePeriod);
            return;
        }
        var elapsed = now - _partialFrameSince;
        if (elapsed >= (long)rate.GracePeriod.TotalMilliseconds && _partialFrameBytes * 1000 < rate.BytesPerSecond * elapsed)
        {
            BeginClose(CloseReason.MinRate);
            return;
        }
        Arm(TimerKind.MinRate, TimeSpan.FromSeconds(1));
    }

    /// <summary>Runs the session over input; consumes what it took from the input buffer if it came from there.</summary>
    private int OnInput(ReadOnlySpan<byte> input, bool buffered)
    {
        var consumed = _session.OnReceived(input);
        if (consumed > 0 && !Has(ConnectionFlags.Framed))
        {
            _flags |= ConnectionFlags.Framed;
            Disarm(TimerKind.Handshake);
        }
        if (buffered)
            _input.Consume(consumed);
        return consumed;
    }

    /// <summary>Acts on what the session did: sends its output, applies backpressure, closes if asked.</summary>
    private void AfterSession()
    {
        if (_sink.CloseReason is { } reason && _closeReason is null)
        {
            if (_sink.Aborting)
                Abort(reason);
            else
                BeginClose(reason);
            return;
        }
        Flush();
        // Bytes waiting behind the write being sent: one reply larger than the cap (a big resp
        // value) still goes out; the write in flight is the write-timeout's to watch.
        if (_output.PendingBytes - _output.InFlightBytes > _sink.MaxPendingOutputBytes)
        {
            Abort(CloseReason.SlowReader);
            return;
        }
        if (_output.PendingBytes > _settings.WriteHighWaterMark)
            _flags |= ConnectionFlags.SuspendedForOutput;
        if (_replies.Deferred >= _settings.MaxInFlight)
            _flags |= ConnectionFlags.SuspendedForInFlight;
        ApplyReadingState();
        _metrics.TrackPending(ref _reportedPendingBytes, _output.HeldBytes);
    }

    /// <summary>Reading is suspended while too many reply bytes or deferred replies are pending, or while the session asks (e.g. a disk write of an upload).</summary>
    private void ApplyReadingState()
    {
        var suspend = Has(ConnectionFlags.SuspendedForOutput) || Has(ConnectionFlags.SuspendedForInFlight) || _sink.ReadingPaused;
        if (suspend && !Has(ConnectionFlags.ReadingSuspended))
            SuspendReading();
        else if (!suspend && Has(ConnectionFlags.ReadingSuspended))
            ResumeReading();
    }

    private void OnWriteAck()
    {
        _metrics.OnSent(_inFlightWireBytes);
        _bytesSent += _inFlightWireBytes;
        _inFlightWireBytes = 0;
        _output.CompleteWrite();
        var wasBusy = _session.IsBusy;
        if (Has(ConnectionFlags.SessionStarted))
            _session.OnWritten();
        Flush();
        _metrics.TrackPending(ref _reportedPendingBytes, _output.HeldBytes);
        if (_closeReason is not null)
        {
            SendCloseWhenFlushed();
            return;
        }
        if (wasBusy)
        {
            // A streaming session wrote its next part, or finished and may take waiting input.
            ReofferInput();
            AfterSession();
        }
        if (Has(ConnectionFlags.SuspendedForOutput) && _output.PendingBytes < _settings.WriteLowWaterMark)
        {
            _flags &= ~ConnectionFlags.SuspendedForOutput;
            ApplyReadingState();
        }
    }

    private void OnTick(Tick tick)
    {
        var now = Environment.TickCount64;
        switch (tick.Kind)
        {
            case TimerKind.Idle:
                if (_session.IsBusy)
                    _lastInputAt = now; // a long download is not silence
                var idleFor = TimeSpan.FromMilliseconds(now - _lastInputAt);
                if (idleFor >= _settings.IdleTimeout)
                    BeginClose(CloseReason.Idle);
                else
                    Arm(TimerKind.Idle, _settings.IdleTimeout - idleFor);
                break;
            case TimerKind.Handshake:
                if (_tls is { IsOpen: false })
                    BeginClose(CloseReason.TlsHandshake);
                else if (!Has(ConnectionFlags.Framed) && _settings.HandshakeTimeout > TimeSpan.Zero)
                    BeginClose(CloseReason.Handshake);
                break;
            case TimerKind.WriteTimeout:
                if (!_output.IsWriting)
                    break;
                var writingFor = TimeSpan.FromMilliseconds(now - _writeStartedAt);
                if (writingFor < _settings.WriteTimeout)
                    Arm(TimerKind.WriteTimeout, _settings.WriteTimeout - writingFor);
                else
                    // Held back by backpressure too: it sends but does not read, a slow reader.
                    Abort(Has(ConnectionFlags.SuspendedForOutput) && _closeReason is null ? CloseReason.SlowReader : CloseReason.WriteTimeout);
                break;
            case TimerKind.Heartbeat:
                StartTimer(TimerKind.Heartbeat, _settings.Heartbeat.Interval); // periodic
                OnHeartbeat();
                break;
            case TimerKind.MinRate:
                OnMinRateTick();
                break;
            case TimerKind.ConfirmWrites:
                if (_output.HoldsUnconfirmed && !_output.IsWriting)
                    SendConfirmation();
                break;
        }
    }

    private void OnHeartbeat()
    {
        if (Has(ConnectionFlags.InputSinceHeartbeat))
        {
            _flags &= ~ConnectionFlags.InputSinceHeartbeat;
            _missedHeartbeats = 0;
            return;
        }
        if (_missedHeartbeats >= _settings.Heartbeat.Misses)
        {
            BeginClose(CloseReason.Heartbeat);
            return;
        }
        if (Has(ConnectionFlags.SessionStarted) && _session.TryWritePing())
        {
            _missedHeartbeats++;
            AfterSession();
        }
    }

    private void Flush()
    {
        var bytes = _output.StartWrite(out var wantsAck);
        if (bytes is null)
            return;
        if (_tls is not null)
            bytes = Encrypt(bytes);
        if (!wantsAck)
        {
            _metrics.OnSent(bytes.Count);
            _bytesSent += bytes.Count;
            _socket.Tell(Tcp.Write.Create(bytes));
            if (_output.HoldsUnconfirmed && !IsArmed(TimerKind.ConfirmWrites))
                Arm(TimerKind.ConfirmWrites, ConfirmWritesAfter);
            return;
        }
        _socket.Tell(Tcp.Write.Create(bytes, WriteAck.Instance));
        _inFlightWireBytes = bytes.Count;
        WatchWrite();
    }

    /// <summary>An empty acknowledged write: its ack confirms the small writes sent before it and frees their buffer.</summary>
    private void SendConfirmation()
    {
        _socket.Tell(Tcp.Write.Create(_output.StartConfirmation(), WriteAck.Instance));
        WatchWrite();
    }

    /// <summary>An acknowledged write went out: the write-timeout watches for its ack.</summary>
    private void WatchWrite()
    {
        _writeStartedAt = Environment.TickCount64;
        if (_settings.WriteTimeout > TimeSpan.Zero && !IsArmed(TimerKind.WriteTimeout))
            Arm(TimerKind.WriteTimeout, _settings.WriteTimeout);
    }

    /// <summary>A deferred reply was written: send it, and read again if max-in-flight had stopped reading.</summary>
    private void AfterDeferredReply()
    {
        if (_replies.Deferred < _settings.MaxInFlight)
            _flags &= ~ConnectionFlags.SuspendedForInFlight;
        AfterSession();
    }

    private void OnDeferredDone(DeferredDone done)
    {
        if (done.Work.Exception is { } failure)
            throw new InvalidOperationException($"a deferred reply failed: {failure.InnerException?.Message}", failure.InnerException ?? failure);
        _replies.Complete(done.Slot);
    }

    private void Refuse(CloseReason reason)
    {
        if (!_settings.Tls.Enabled) // a TLS client could not read a plaintext reply before its handshake
            _settings.Protocol.WriteBusyReply(_output);
        BeginClose(reason);
    }

    /// <summary>
    /// Sends what is owed, then a FIN; keeps reading (and discarding) until the client's FIN so
    /// that unread input does not turn our close into a reset that could destroy the last reply.
    /// </summary>
    private void BeginClose(CloseReason reason)
    {
        EnterClosing(reason);
        ResumeReading();
        Flush();
        SendCloseWhenFlushed();
    }

    /// <summary>Resets the connection at once: for clients that do not read what they are sent.</summary>
    private void Abort(CloseReason reason)
    {
        EnterClosing(reason);
        _flags |= ConnectionFlags.CloseSent | ConnectionFlags.Aborted;
        _socket.Tell(Tcp.Abort.Instance);
    }

    private void EnterClosing(CloseReason reason)
    {
        _closeReason = reason;
        _input.Release();
        Disarm(TimerKind.Idle);
        Disarm(TimerKind.Handshake);
        Disarm(TimerKind.Heartbeat);
        Disarm(TimerKind.QueueTimeout);
        Disarm(TimerKind.MinRate);
        _partialFrameSince = 0;
        // A drain is bounded by drain-timeout and the unbind after it, which count what they cut.
        var closeTimeout = reason == CloseReason.Shutdown ? _settings.DrainTimeout + _settings.CloseTimeout : _settings.CloseTimeout;
        Arm(TimerKind.CloseTimeout, closeTimeout);
        _state = ConnectionState.Closing;
    }

    /// <summary>
    /// Once nothing more is owed and every byte has been handed to the socket (small writes sent
    /// without an ack are confirmed by an empty acknowledged write first), sends our FIN and tells
    /// the listener this connection owes nothing: a drain need not wait for the client's FIN.
    /// </summary>
    private void SendCloseWhenFlushed()
    {
        if (Has(ConnectionFlags.CloseSent) || !_output.IsEmpty || _replies.HasPending || _session.IsBusy)
            return;
        if (_output.UnconfirmedBytes > 0)
        {
            SendConfirmation();
            return;
        }
        SendCloseNotify();
        _flags |= ConnectionFlags.CloseSent;
        // After the client's FIN a plain Close: Akka.IO would otherwise wait for a second EOF. It
        // reports that close done (Closed); a ConfirmedClose it reports only at the client's FIN,
        // so a write follows it as a probe: Akka.IO refuses a write once its FIN is out (or acks
        // it just before sending the FIN, when an unacknowledged close_notify was still queued).
        if (Has(ConnectionFlags.PeerClosed))
        {
            _socket.Tell(Tcp.Close.Instance);
            return;
        }
        _socket.Tell(Tcp.ConfirmedClose.Instance);
        _socket.Tell(Tcp.Write.Create(ByteString.Empty, FinSent.Instance));
    }

    /// <summary>
    /// Our FIN is out: tells the listener this connection owes nothing, so a drain need not wait for
    /// the client's FIN. Not earlier: an unbind stops Akka.IO's connection actors at once, overtaking
    /// a close they have not performed yet, and the client would be reset instead of reading its end.
    /// </summary>
    private void OnFinSent()
    {
        if (Has(ConnectionFlags.Finished))
            return;
        _flags |= ConnectionFlags.Finished;
        Context.Parent.Tell(ConnectionFinished.Instance);
    }

    private void SuspendReading()
    {
        WithdrawDeferredRead();
        _flags |= ConnectionFlags.ReadingSuspended;
        _socket.Tell(Tcp.SuspendReading.Instance);
    }

    private void ResumeReading()
    {
        if (!Has(ConnectionFlags.ReadingSuspended))
            return;
        _flags &= ~(ConnectionFlags.ReadingSuspended | ConnectionFlags.ChunkPaused);
        _socket.Tell(Tcp.ResumeReading.Instance);
    }

    /// <summary>Reading is paused after a chunk and nothing else will resume it: not suspended (then <see cref="ResumeReading"/> will), and the socket is open.</summary>
    private bool ChunkResumeDue => Has(ConnectionFlags.ChunkPaused) && !Has(ConnectionFlags.ReadingSuspended) && !Has(ConnectionFlags.SocketClosed);

    /// <summary>Resumes reading paused after a chunk, when <see cref="ChunkResumeDue"/>.</summary>
    private void ResumeAfterChunk()
    {
        if (!ChunkResumeDue)
            return;
        _flags &= ~ConnectionFlags.ChunkPaused;
        _socket.Tell(Tcp.ResumeReading.Instance);
    }

    private void StartTimer(TimerKind kind, TimeSpan after)
    {
        if (after > TimeSpan.Zero)
            Arm(kind, after);
    }

    /// <summary>Sets (or moves) the <paramref name="kind"/> deadline to <paramref name="after"/> from now.</summary>
    private void Arm(TimerKind kind, TimeSpan after)
    {
        var due = Environment.TickCount64 + Math.Max(0, (long)after.TotalMilliseconds);
        _deadlines[(int)kind] = due;
        _clock.Set(_alarm, due);
    }

    /// <summary>Drops the <paramref name="kind"/> deadline; an alarm already on its way then finds nothing due.</summary>
    private void Disarm(TimerKind kind) => _deadlines[(int)kind] = NoDeadline;

    private bool IsArmed(TimerKind kind) => _deadlines[(int)kind] != NoDeadline;

    /// <summary>
    /// The alarm rang: each deadline that has passed is handled, in the current state, as that
    /// timer's tick; then the alarm is set for the earliest deadline left.
    /// </summary>
    private void OnAlarm()
    {
        var now = Environment.TickCount64;
        for (var kind = 0; kind < TimerKinds; kind++)
        {
            var due = _deadlines[kind];
            if (due == NoDeadline || due > now)
                continue;
            _deadlines[kind] = NoDeadline;
            ReceiveInState(Tick.Of((TimerKind)kind));
        }
        var next = long.MaxValue;
        for (var kind = 0; kind < TimerKinds; kind++)
        {
            if (_deadlines[kind] != NoDeadline)
                next = Math.Min(next, _deadlines[kind]);
        }
        if (next != long.MaxValue)
            _clock.Set(_alarm, next);
    }

    /// <summary>The connection's logger when Debug is on, else null (a logger per connection would cost every idle one its memory).</summary>
    private ILoggingAdapter? DebugLog =>
        Context.System.EventStream.LogLevel <= LogLevel.DebugLevel ? _log ??= Context.GetLogger() : null;

    protected override void PostStop()
    {
        WithdrawDeferredRead(); // no resume for a socket actor that is gone or reset below
        if (!Has(ConnectionFlags.SocketClosed))
            _socket.Tell(Tcp.Abort.Instance); // stopped by a failure: reset the socket, never leave it half-served
        _clock.Clear(_alarm);
        _input.Release();
        _output.Release();
        _tls?.Dispose();
        _session.OnClosed();
        var reason = _closeReason ?? CloseReason.Error;
        _metrics.TrackPending(ref _reportedPendingBytes, 0);
        _metrics.OnConnectionEnded(reason, _startedAt);
        DebugLog?.Debug("Connection {ConnectionId} from {RemoteEndPoint} closed: {CloseReason}", _info.Id, _info.RemoteEndPoint, reason.Name());
        Context.Parent.Tell(new ConnectionEnded(_info.Id, reason));
    }

    /// <summary>
    /// New live settings (see LiveSettings): limits and watermarks count from the next message;
    /// the idle and heartbeat timers start over with their new values; a write in flight keeps the
    /// write-timeout it started with until its timer fires. handshake-timeout is for new connections.
    /// </summary>
    private void OnSettingsChanged(ServerSettings settings)
    {
        _settings = settings;
        Disarm(TimerKind.Idle);
        StartTimer(TimerKind.Idle, settings.IdleTimeout);
        if (settings.Heartbeat.Enabled)
            Arm(TimerKind.Heartbeat, settings.Heartbeat.Interval);
        if (Has(ConnectionFlags.SuspendedForOutput) && _output.PendingBytes < settings.WriteLowWaterMark)
            _flags &= ~ConnectionFlags.SuspendedForOutput;
        if (_replies.Deferred < settings.MaxInFlight)
            _flags &= ~ConnectionFlags.SuspendedForInFlight;
        AfterSession();
    }

    private ConnectionSnapshot Snapshot(string state) => new(
        _info.Id, _info.Server, _info.RemoteEndPoint, Stopwatch.GetElapsedTime(_startedAt), _bytesReceived, _bytesSent, _output.HeldBytes, state);

    /// <summary>Asks for a <see cref="ConnectionSnapshot"/> (the control interface's list).</summary>
    internal sealed class Describe
    {
        public static readonly Describe Instance = new();
    }

    /// <summary>From an operator: send what is owed and close (reason kicked).</summary>
    internal sealed class Kick
    {
        public static readonly Kick Instance = new();
    }

    /// <summary>New live settings from the listener; a connection waiting to be served keeps them for when it is.</summary>
    internal sealed record SettingsChanged(ServerSettings Settings);

    /// <summary>
    /// From the listener, which watches Akka.IO's actor for this connection: it has stopped. Its
    /// close event, if it sent one, came first and this connection has stopped; the message then
    /// dies quietly.
    /// </summary>
    internal sealed class SocketGone(IActorRef connection) : Tcp.Event, IDeadLetterSuppression
    {
        public IActorRef Connection { get; } = connection;
    }

    /// <summary>From the listener at shutdown: send what is owed, then close gracefully.</summary>
    internal sealed class Drain
    {
        public static readonly Drain Instance = new();
    }

    /// <summary>A deferred reply's work completed (sent from the task's thread).</summary>
    private sealed record DeferredDone(Task Work, object Slot);

    /// <summary>From the listener: a slot is free, leave the waiting room and be served.</summary>
    internal sealed class Admit
    {
        public static readonly Admit Instance = new();
    }

    /// <summary>The ack Akka.IO sends back when a write has been handed to the kernel.</summary>
    private sealed class WriteAck : Tcp.Event
    {
        public static readonly WriteAck Instance = new();
    }

    /// <summary>The ack of the write sent after our ConfirmedClose (see <see cref="SendCloseWhenFlushed"/>).</summary>
    private sealed class FinSent : Tcp.Event
    {
        public static readonly FinSent Instance = new();
    }

    private const long NoDeadline = 0;
    private const int TimerKinds = 8;

    /// <summary>
    /// How long small writes may stay unconfirmed before an empty acknowledged write confirms them:
    /// their bytes sit in the output's pooled buffer until an ack, and a connection that went quiet
    /// gives it back.
    /// </summary>
    private static readonly TimeSpan ConfirmWritesAfter = TimeSpan.FromSeconds(1);

    /// <summary>One deadline per <see cref="TimerKind"/>, held inside the connection (no array of its own).</summary>
    [System.Runtime.CompilerServices.InlineArray(TimerKinds)]
    private struct TimerDeadlines
    {
        private long _first;
    }

    private enum TimerKind
    {
        Idle,
        Handshake,
        WriteTimeout,
        Heartbeat,
        QueueTimeout,
        CloseTimeout,
        MinRate,
        ConfirmWrites,
    }

    /// <summary>A timer's deadline passed: what <see cref="OnAlarm"/> hands the current state.</summary>
    private sealed class Tick
    {
        public static readonly Tick Idle = new(TimerKind.Idle);
        public static readonly Tick Handshake = new(TimerKind.Handshake);
        public static readonly Tick WriteTimeout = new(TimerKind.WriteTimeout);
        public static readonly Tick Heartbeat = new(TimerKind.Heartbeat);
        public static readonly Tick QueueTimeout = new(TimerKind.QueueTimeout);
        public static readonly Tick CloseTimeout = new(TimerKind.CloseTimeout);
        public static readonly Tick MinRate = new(TimerKind.MinRate);
        public static readonly Tick ConfirmWrites = new(TimerKind.ConfirmWrites);
        // After the instances: static fields start in the order they are written.
        private static readonly Tick[] ByKind = [Idle, Handshake, WriteTimeout, Heartbeat, QueueTimeout, CloseTimeout, MinRate, ConfirmWrites];

        public static Tick Of(TimerKind kind) => ByKind[(int)kind];

        private Tick(TimerKind kind) => Kind = kind;

        public TimerKind Kind { get; }
    }
}
