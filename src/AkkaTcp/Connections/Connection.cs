using Akka.Actor;
using Akka.Event;
using Akka.IO;
using AkkaTcp.Configuration;
using AkkaTcp.Protocols;

namespace AkkaTcp.Connections;

/// <summary>
/// One client connection: registered as the Akka.IO handler of its socket, it runs the protocol
/// session on received bytes and writes replies with acknowledged writes, at most one in flight.
/// Never restarted: socket state cannot be rebuilt, so a failure stops it and resets the socket.
/// States: <see cref="Serving"/>, then <see cref="Closing"/> until Akka.IO reports the socket closed.
/// </summary>
internal sealed class Connection : UntypedActor, IWithTimers
{
    private readonly ConnectionInfo _info;
    private readonly IActorRef _socket;
    private readonly ServerSettings _settings;
    private readonly IProtocolSession _session;
    private readonly InputBuffer _input = new();
    private readonly OutputBuffer _output = new();
    private readonly ConnectionSink _sink;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _readingSuspended;
    private bool _closeSent;
    private bool _socketClosed;
    private CloseReason? _closeReason;

    public Connection(ConnectionInfo info, IActorRef socket, ServerSettings settings)
    {
        _info = info;
        _socket = socket;
        _settings = settings;
        _session = settings.Protocol.OpenSession(info);
        _sink = new ConnectionSink(info, _output);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        // keepOpenOnPeerClosed: after the client's FIN we still owe replies to what it sent before.
        _socket.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: true));
        Context.Watch(_socket);
        Become(Serving);
        _session.OnConnected(_sink);
        AfterSession();
    }

    protected override void OnReceive(object message) => Unhandled(message);

    private void Serving(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                OnReceived(received.Data);
                break;
            case WriteAck:
                OnWriteAck();
                break;
            case Tcp.PeerClosed:
                BeginClose(CloseReason.PeerClosed);
                break;
            default:
                OnSocketEvent(message);
                break;
        }
    }

    private void Closing(object message)
    {
        switch (message)
        {
            case Tcp.Received:
                break; // Input after we decided to close is read only to see the client's FIN.
            case WriteAck:
                OnWriteAck();
                break;
            case CloseTimedOut:
                _socket.Tell(Tcp.Abort.Instance);
                break;
            case Tcp.PeerClosed:
                break;
            default:
                OnSocketEvent(message);
                break;
        }
    }

    private void OnSocketEvent(object message)
    {
        switch (message)
        {
            case Tcp.ConnectionClosed closed:
                _socketClosed = true;
                if (closed is Tcp.ErrorClosed error)
                {
                    _closeReason ??= CloseReason.Error;
                    if (_log.IsDebugEnabled)
                        _log.Debug("Connection {ConnectionId} from {RemoteEndPoint}: socket error {Cause}", _info.Id, _info.RemoteEndPoint, error.Cause);
                }
                _closeReason ??= closed is Tcp.Aborted ? CloseReason.Error : CloseReason.PeerClosed;
                Context.Stop(Self);
                break;
            case Tcp.CommandFailed:
                // A write refused by Akka.IO leaves a gap in the byte stream: the connection cannot go on.
                _closeReason ??= CloseReason.Error;
                Context.Stop(Self);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_socket):
                _socketClosed = true;
                _closeReason ??= CloseReason.Error;
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnReceived(ByteString data)
    {
        var chunk = data.ToReadOnlySpan();
        if (_input.IsEmpty)
        {
            var consumed = _session.OnReceived(chunk, _sink);
            if (consumed < chunk.Length && !_sink.IsClosing)
                _input.Append(chunk[consumed..]);
        }
        else
        {
            _input.Append(chunk);
            _input.Consume(_session.OnReceived(_input.Span, _sink));
        }
        AfterSession();
    }

    /// <summary>Acts on what the session did: sends its output, applies backpressure, closes if asked.</summary>
    private void AfterSession()
    {
        if (_sink.CloseReason is { } reason && _closeReason is null)
        {
            BeginClose(reason);
            return;
        }
        Flush();
        if (!_readingSuspended && _output.PendingBytes > _settings.WriteHighWaterMark)
        {
            _readingSuspended = true;
            _socket.Tell(Tcp.SuspendReading.Instance);
        }
    }

    private void OnWriteAck()
    {
        _output.CompleteWrite();
        Flush();
        if (_closeReason is not null)
        {
            SendCloseWhenFlushed();
        }
        else if (_readingSuspended && _output.PendingBytes < _settings.WriteLowWaterMark)
        {
            _readingSuspended = false;
            _socket.Tell(Tcp.ResumeReading.Instance);
        }
    }

    private void Flush()
    {
        var bytes = _output.StartWrite();
        if (bytes is not null)
            _socket.Tell(Tcp.Write.Create(bytes, WriteAck.Instance));
    }

    /// <summary>
    /// Sends what is owed, then a FIN; keeps reading (and discarding) until the client's FIN so
    /// that unread input does not turn our close into a reset that could destroy the last reply.
    /// </summary>
    private void BeginClose(CloseReason reason)
    {
        _closeReason = reason;
        _input.Release();
        Become(Closing);
        Timers.StartSingleTimer(CloseTimedOut.Instance, CloseTimedOut.Instance, _settings.CloseTimeout);
        if (_readingSuspended)
        {
            _readingSuspended = false;
            _socket.Tell(Tcp.ResumeReading.Instance);
        }
        Flush();
        SendCloseWhenFlushed();
    }

    private void SendCloseWhenFlushed()
    {
        if (_closeSent || !_output.IsEmpty)
            return;
        _closeSent = true;
        _socket.Tell(Tcp.ConfirmedClose.Instance);
    }

    protected override void PostStop()
    {
        if (!_socketClosed)
            _socket.Tell(Tcp.Abort.Instance); // stopped by a failure: reset the socket, never leave it half-served
        _input.Release();
        _output.Release();
        var reason = _closeReason ?? CloseReason.Error;
        if (_log.IsDebugEnabled)
            _log.Debug("Connection {ConnectionId} from {RemoteEndPoint} closed: {CloseReason}", _info.Id, _info.RemoteEndPoint, reason.Name());
        Context.Parent.Tell(new ConnectionEnded(_info.Id, reason));
    }

    /// <summary>The ack Akka.IO sends back when a write has been handed to the kernel.</summary>
    private sealed class WriteAck : Tcp.Event
    {
        public static readonly WriteAck Instance = new();
    }

    private sealed class CloseTimedOut
    {
        public static readonly CloseTimedOut Instance = new();
    }
}
