using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using AkkaTcp.Configuration;
using AkkaTcp.Protocols;
using AkkaTcp.TransportStages;

namespace AkkaTcp.Connections;

/// <summary>
/// The connection's transport stages, between the socket and the protocol session: the PROXY
/// protocol header (read before the listener admits the connection, since the header names the
/// client the limits count) and TLS (wire bytes in, plaintext to the session; plaintext replies
/// out, ciphertext to the socket). Without them (<see cref="_tls"/> null, no header to read) the
/// connection runs the plaintext path untouched.
/// </summary>
internal sealed partial class Connection
{
    private TlsChannel? _tls;
    private long _tlsStartedAt;

    private void StartReadingProxyHeader()
    {
        _state = ConnectionState.ReadingProxyHeader;
        StartTimer(TimerKind.Handshake, _settings.TransportHandshakeTimeout);
    }

    private void ReadingProxyHeader(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                CountReceived(received.Data.Count);
                _input.Append(received.Data.ToReadOnlySpan());
                ParseProxyHeader();
                break;
            case Tcp.PeerClosed:
                _flags |= ConnectionFlags.PeerClosed;
                if (_input.IsEmpty && _settings.ProxyProtocol.Mode == ProxyProtocolMode.Optional)
                    RequestAdmission(null); // a direct client that sent nothing: served as one (it owes nothing)
                else
                    CloseForProxyProtocol("the connection ended before a whole PROXY header came");
                break;
            case Tick { Kind: TimerKind.Handshake }:
                if (_input.IsEmpty && _settings.ProxyProtocol.Mode == ProxyProtocolMode.Optional)
                    RequestAdmission(null); // quiet, so not a proxy's connection: a direct client
                else
                    CloseForProxyProtocol("no whole PROXY header within the handshake timeout");
                break;
            default:
                BeforeAdmission(message, "proxy-header");
                break;
        }
    }

    /// <summary>The header is read; the listener decides with the client address it named. At most one more chunk arrives before reading stops.</summary>
    private void AwaitingAdmission(object message)
    {
        switch (message)
        {
            case Admitted admitted:
                _info = admitted.Info;
                OpenSession(withSession: true);
                Start(admitted.Admission);
                break;
            case Tcp.Received received:
                CountReceived(received.Data.Count);
                _input.Append(received.Data.ToReadOnlySpan());
                break;
            case Tcp.PeerClosed:
                _flags |= ConnectionFlags.PeerClosed;
                break;
            default:
                BeforeAdmission(message, "admitting");
                break;
        }
    }

    private void BeforeAdmission(object message, string state)
    {
        switch (message)
        {
            case Describe:
                Sender.Tell(Snapshot(state));
                break;
            case Kick:
                BeginClose(CloseReason.Kicked);
                break;
            case Drain:
                BeginClose(CloseReason.Shutdown);
                break;
            case SettingsChanged changed:
                _settings = changed.Settings;
                break;
            case Tick:
                break;
            default:
                OnSocketEvent(message);
                break;
        }
    }

    private void ParseProxyHeader()
    {
        var proxy = _settings.ProxyProtocol;
        switch (ProxyHeaderParser.Parse(_input.Span, out var header, out var consumed, out var error))
        {
            case ProxyParse.NeedMore:
                return;
            case ProxyParse.NotProxy when proxy.Mode == ProxyProtocolMode.Optional:
                RequestAdmission(null); // a direct client: its bytes are the protocol's
                return;
            case ProxyParse.NotProxy:
                CloseForProxyProtocol("the first bytes are not a PROXY header");
                return;
            case ProxyParse.Invalid:
                CloseForProxyProtocol(error!);
                return;
        }
        if (!proxy.Trusts(((IPEndPoint)_info.RemoteEndPoint).Address))
        {
            CloseForProxyProtocol("a PROXY header from a source not in trusted-proxies");
            return;
        }
        _input.Consume(consumed);
        RequestAdmission(header);
    }

    private void RequestAdmission(ProxyHeader? header)
    {
        Disarm(TimerKind.Handshake);
        SuspendReading();
        Context.Parent.Tell(new ProxyHeaderRead(header?.Source, header?.Destination));
        _state = ConnectionState.AwaitingAdmission;
    }

    private void CloseForProxyProtocol(string why)
    {
        DebugLog?.Debug("Connection {ConnectionId} from {RemoteEndPoint}: {Reason}", _info.Id, _info.RemoteEndPoint, why);
        _metrics.OnRejected(RefusalReasons.ProxyProtocol);
        BeginClose(CloseReason.ProxyProtocol);
    }

    /// <summary>Starts the server side of the TLS handshake; wire bytes that waited (in the waiting room, after a PROXY header) go in first.</summary>
    private void StartTls()
    {
        _tls = new TlsChannel();
        _tlsStartedAt = Stopwatch.GetTimestamp();
        _tls.StartServer(ServerCertificates.SelectOptions, _settings.Tls.Certificates);
        if (!_input.IsEmpty)
        {
            _tls.Receive(_input.Span);
            _input.Release();
        }
        if (Has(ConnectionFlags.PeerClosed))
        {
            _tls.ReceiveEnd();
            BeginClose(CloseReason.PeerClosed);
            return;
        }
        ResumeReading();
        AfterTlsInput();
    }

    private void OnTlsReceived(ByteString data)
    {
        CountReceived(data.Count);
        _tls!.Receive(data.ToReadOnlySpan());
        AfterTlsInput();
    }

    /// <summary>
    /// After ciphertext went in: a failed handshake closes (reason tls-handshake, logged at Debug);
    /// the first moment it succeeds the session starts; then the plaintext decrypted so far goes
    /// to the session, and what TLS has to send (handshake records, alerts) is sent.
    /// </summary>
    private void AfterTlsInput()
    {
        var tls = _tls!;
        if (!tls.IsOpen)
        {
            SendWireOutput(); // a handshake step, or the alert that ends a failed one
            if (tls.Failure is { } failure)
            {
                _metrics.OnTlsHandshake(_tlsStartedAt, null);
                DebugLog?.Debug("Connection {ConnectionId} from {RemoteEndPoint}: TLS handshake failed: {Reason}", _info.Id, _info.RemoteEndPoint, failure);
                BeginClose(CloseReason.TlsHandshake);
            }
            return;
        }
        if (!Has(ConnectionFlags.SessionStarted))
        {
            _metrics.OnTlsHandshake(_tlsStartedAt, tls.Stream.SslProtocol);
            if (_settings.HandshakeTimeout <= TimeSpan.Zero)
                Disarm(TimerKind.Handshake);
            SendWireOutput();
            StartSession();
            if (_closeReason is not null)
                return;
        }
        while (!_sink.IsClosing && tls.TryRead(out var plaintext))
        {
            OnPlaintext(plaintext);
            TrackPartialFrame(plaintext.Length);
        }
        SendWireOutput();
        if (tls.Ended && _closeReason is null)
        {
            // close_notify (or a record TLS could not open): the client sends nothing more.
            if (tls.Failure is not null)
                DebugLog?.Debug("Connection {ConnectionId} from {RemoteEndPoint}: TLS failed: {Reason}", _info.Id, _info.RemoteEndPoint, tls.Failure);
            _session.OnPeerClosed();
            BeginClose(tls.Failure is null ? CloseReason.PeerClosed : CloseReason.ProtocolError);
            return;
        }
        AfterSession();
    }

    /// <summary>The plaintext of a write, encrypted; any handshake bytes not yet sent go first.</summary>
    private ByteString Encrypt(ByteString plaintext)
    {
        if (plaintext.Count == 0)
            return plaintext; // an empty write only asks for an ack
        // A failed session sends nothing more (its close follows): the write still takes its ack.
        return _tls!.Write(plaintext.ToReadOnlySpan()) ? _tls.TakeWireOutput() : ByteString.Empty;
    }

    /// <summary>Sends what TLS wrote on its own (handshake records, alerts, close_notify), unacknowledged: small, and ahead of any reply.</summary>
    private void SendWireOutput()
    {
        if (_tls is not { HasWireOutput: true })
            return;
        var bytes = _tls.TakeWireOutput();
        _metrics.OnSent(bytes.Count);
        _bytesSent += bytes.Count;
        _socket.Tell(Tcp.Write.Create(bytes));
    }

    /// <summary>TLS's close_notify before our FIN, so the client knows the stream was not cut.</summary>
    private void SendCloseNotify()
    {
        if (_tls is not { IsOpen: true } || Has(ConnectionFlags.Aborted))
            return;
        _tls.Shutdown();
        SendWireOutput();
    }

    /// <summary>To the listener: the PROXY header named this client (null: the socket's own endpoints stand).</summary>
    internal sealed record ProxyHeaderRead(IPEndPoint? Source, IPEndPoint? Destination);

    /// <summary>The listener's decision after a PROXY header, with the connection's identity as the header named it.</summary>
    internal sealed record Admitted(Admission Admission, ConnectionInfo Info);
}
