using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using AkkaTcp.Configuration;
using AkkaTcp.Protocols;

namespace AkkaTcp.Client;

/// <summary>
/// One client connection, dialled through Akka.IO Tcp.Connect. Requests arrive as messages, are
/// encoded into a pooled output buffer and written with acknowledged writes (one in flight,
/// later requests gathered into the next); replies are decoded in place and complete their
/// callers' tasks. States: Connecting, (Handshaking, with TLS), Connected, Closing. When it ends, for whatever reason,
/// every request still waiting fails with one <see cref="ConnectionClosedException"/>.
/// </summary>
internal sealed partial class ClientConnectionActor<TRequest, TResponse> : UntypedActor, IWithTimers
{
    private sealed class WriteAck : Tcp.Event
    {
        public static readonly WriteAck Instance = new();
    }

    private sealed class CloseTimedOut
    {
        public static readonly CloseTimedOut Instance = new();
    }

    private sealed class DialTimedOut
    {
        public static readonly DialTimedOut Instance = new();
    }

    /// <summary>
    /// How long past connect-timeout our own dial deadline waits for Akka.IO's answer. Akka.IO
    /// 1.5.74 answers nothing at all when the server resets the connection between the kernel's
    /// connect and its own completion (its connection actor dies, its timeout with it).
    /// </summary>
    private static readonly TimeSpan DialDeadlineMargin = TimeSpan.FromMilliseconds(500);

    private readonly EndPoint _remote;
    private readonly ClientSettings _settings;
    private readonly ConnectionStatus _status;
    private readonly IClientCodec<TRequest, TResponse> _codec;
    private readonly PendingReplies<TRequest, TResponse> _pending;
    private readonly Correlation _correlation;
    private readonly OutputBuffer _output = new();
    private readonly InputBuffer _input = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _socket = ActorRefs.Nobody;
    private string _endReason = "connection actor stopped";
    private bool _socketClosed;

    public ClientConnectionActor(EndPoint remote, ClientSettings settings, IClientProtocol<TRequest, TResponse> protocol, ConnectionStatus status)
    {
        _remote = remote;
        _settings = settings;
        _status = status;
        _codec = protocol.CreateCodec(settings.MaxFrameSize);
        _correlation = protocol.Correlation;
        _pending = new PendingReplies<TRequest, TResponse>(protocol.Correlation);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Context.System.Tcp().Tell(new Tcp.Connect(_remote, options: [new SocketSettingsOption(_settings.Socket)], timeout: _settings.ConnectTimeout));
        Timers.StartSingleTimer(DialTimedOut.Instance, DialTimedOut.Instance, _settings.ConnectTimeout + DialDeadlineMargin);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Connected connected:
                Timers.Cancel(DialTimedOut.Instance);
                _socket = Sender;
                Context.Watch(_socket);
                _socket.Tell(new Tcp.Register(Self));
                if (_settings.Tls.Enabled)
                {
                    StartTls(connected.LocalAddress);
                    break;
                }
                _status.OnConnected(connected.LocalAddress);
                Become(Connected);
                break;
            case Tcp.CommandFailed failed:
                var reason = failed.Cause.HasValue ? failed.Cause.Value.Message : "connect-timeout passed";
                _status.OnConnectFailed(new ConnectionFailedException(_remote, reason));
                _endReason = "never connected";
                Context.Stop(Self);
                break;
            case DialTimedOut:
                _status.OnConnectFailed(new ConnectionFailedException(_remote, "connect-timeout passed without an answer (the server may have reset the connection)"));
                _endReason = "never connected";
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Connected(object message)
    {
        switch (message)
        {
            case PendingRequest<TRequest, TResponse> request:
                Send(request);
                break;
            case ForgetRequest forget:
                _pending.Forget(forget.Id);
                _status.OnPendingChanged(_pending.Count);
                break;
            case Tcp.Received received:
                OnReceived(received.Data);
                break;
            case WriteAck:
                _output.CompleteWrite();
                Flush();
                break;
            case CloseGracefully:
                SendCloseNotify();
                _socket.Tell(Tcp.ConfirmedClose.Instance);
                if (_settings.CloseTimeout > TimeSpan.Zero)
                    Timers.StartSingleTimer(CloseTimedOut.Instance, CloseTimedOut.Instance, _settings.CloseTimeout);
                _endReason = "closed by the client";
                Become(Closing);
                break;
            default:
                OnEnded(message);
                break;
        }
    }

    private void Closing(object message)
    {
        switch (message)
        {
            case PendingRequest<TRequest, TResponse> request:
                request.TrySetException(new ConnectionClosedException(_remote, "the connection is closing"));
                break;
            case Tcp.Received received:
                OnReceived(received.Data);
                break;
            case WriteAck:
                _output.CompleteWrite();
                break;
            case CloseTimedOut:
                Context.Stop(Self); // PostStop resets the socket
                break;
            case ForgetRequest:
                break;
            default:
                OnEnded(message);
                break;
        }
    }

    private void OnEnded(object message)
    {
        switch (message)
        {
            case Tcp.ConnectionClosed closed:
                _socketClosed = true;
                if (closed is not (Tcp.ConfirmedClosed or Tcp.Closed))
                    _endReason = Describe(closed);
                Context.Stop(Self);
                break;
            case Tcp.CommandFailed:
                _endReason = "a write failed";
                Context.Stop(Self);
                break;
            case Terminated:
                _socketClosed = true;
                _endReason = "the socket actor stopped";
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Send(PendingRequest<TRequest, TResponse> request)
    {
        // Given up on before it could be sent: nothing to write, nothing to wait for.
        if (request.Task.IsCompleted)
            return;
        _codec.Encode(request.Request, request.Id, _output);
        _pending.Add(request);
        _status.OnPendingChanged(_pending.Count);
        Flush();
    }

    private void Flush()
    {
        if (_output.StartWrite(out _) is { } data) // ack-every-writes 1: every write is acknowledged
            _socket.Tell(Tcp.Write.Create(_tls is null ? data : Encrypt(data), WriteAck.Instance));
    }

    private void OnReceived(ByteString data)
    {
        if (_tls is null)
            OnPlaintext(data.ToReadOnlySpan());
        else
            OnTlsReceived(data);
        _status.OnPendingChanged(_pending.Count);
    }

    private void OnPlaintext(ReadOnlySpan<byte> chunk)
    {
        if (_input.IsEmpty)
        {
            var consumed = Decode(chunk);
            if (consumed >= 0 && consumed < chunk.Length)
                _input.Append(chunk[consumed..]);
        }
        else
        {
            _input.Append(chunk);
            var consumed = Decode(_input.Span);
            if (consumed > 0)
                _input.Consume(consumed);
        }
    }

    /// <summary>Decodes every whole reply in <paramref name="input"/>; returns the bytes used, or -1 after a protocol error.</summary>
    private int Decode(ReadOnlySpan<byte> input)
    {
        var consumed = 0;
        while (consumed < input.Length)
        {
            var status = _codec.Decode(input[consumed..], out var response, out var id, out var length, out var error);
            if (status == DecodeStatus.NeedMoreData)
                break;
            if (status == DecodeStatus.Error)
            {
                Fail($"protocol error: {error.Message}");
                return -1;
            }
            consumed += length;
            if (!_pending.TryTake(id, out var request))
            {
                if (_correlation == Correlation.ByOrder)
                {
                    Fail("a reply came with no request waiting for it");
                    return -1;
                }
                // Its caller gave up on it (timeout, cancellation) and it was forgotten, or the
                // server could not tell which request it answers (a json-rpc parse error has id null).
                ClientMetrics.OnLateReplyDropped();
                continue;
            }
            // Counted before the caller resumes, so a caller that checks PendingReplies sees its own reply gone.
            _status.OnPendingChanged(_pending.Count);
            if (!request!.TrySetResult(response))
                ClientMetrics.OnLateReplyDropped();
        }
        return consumed;
    }

    private void Fail(string reason)
    {
        _log.Warning("Connection to {0} closed: {1}", _remote, reason);
        _endReason = reason;
        Context.Stop(Self); // PostStop resets the socket
    }

    private static string Describe(Tcp.ConnectionClosed closed) => closed switch
    {
        Tcp.PeerClosed => "the server closed the connection",
        Tcp.ErrorClosed error => $"connection error: {error.Cause}",
        Tcp.Aborted => "the connection was reset",
        _ => closed.GetType().Name,
    };

    protected override void PostStop()
    {
        // Stopped from outside (the pool gave up on it) or after an error: Akka.IO does not
        // always notice its handler is gone, so the socket is reset here.
        if (!_socketClosed && !_socket.IsNobody())
            _socket.Tell(Tcp.Abort.Instance);
        _pending.FailAll(new ConnectionClosedException(_remote, _endReason));
        _output.Release();
        _input.Release();
        _tls?.Dispose();
        _status.OnConnectFailed(new ConnectionFailedException(_remote, _endReason));
        _status.OnClosed(_endReason);
    }
}
