using System.Net;
using Akka.Actor;
using Akka.IO;
using AkkaTcp.TransportStages;

namespace AkkaTcp.Client;

/// <summary>
/// TLS on a dialled connection: the handshake runs between Akka.IO's Connected and the
/// connection counting as open, within connect-timeout; a failed one fails the connect with
/// <see cref="ConnectionFailedException"/> naming the reason. Then replies are decrypted before
/// decoding and requests encrypted after encoding, on the actor's thread (see TlsChannel).
/// </summary>
internal sealed partial class ClientConnectionActor<TRequest, TResponse>
{
    private TlsChannel? _tls;
    private EndPoint? _localAddress;
    private string? _rejection;

    private void StartTls(EndPoint localAddress)
    {
        _localAddress = localAddress;
        try
        {
            var tls = new ClientTls(_settings.Tls);
            _tls = new TlsChannel();
            _tls.StartClient(tls.Options(_remote, reason => _rejection = reason));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            FailHandshake($"the TLS settings cannot be used: {e.Message}");
            return;
        }
        SendWireOutput(); // the ClientHello
        Timers.StartSingleTimer(DialTimedOut.Instance, DialTimedOut.Instance, _settings.ConnectTimeout);
        Become(Handshaking);
    }

    private void Handshaking(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                _tls!.Receive(received.Data.ToReadOnlySpan());
                SendWireOutput();
                if (_tls.Failure is { } failure)
                    FailHandshake(_rejection ?? failure);
                else if (_tls.IsOpen)
                {
                    Timers.Cancel(DialTimedOut.Instance);
                    _status.OnConnected(_localAddress!);
                    Become(Connected);
                    OnTlsPlaintext(); // replies never come this early, but a record may ride along
                }
                break;
            case DialTimedOut:
                FailHandshake("the TLS handshake did not complete within connect-timeout");
                break;
            case Tcp.ConnectionClosed closed:
                _socketClosed = true;
                FailHandshake(_rejection ?? $"the server ended the connection during the TLS handshake ({Describe(closed)}; is it serving TLS?)");
                break;
            case Terminated:
                _socketClosed = true;
                FailHandshake("the socket actor stopped during the TLS handshake");
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void FailHandshake(string reason)
    {
        _status.OnConnectFailed(new ConnectionFailedException(_remote, "TLS handshake failed: " + reason));
        _endReason = "never connected";
        Context.Stop(Self);
    }

    private void OnTlsReceived(ByteString data)
    {
        _tls!.Receive(data.ToReadOnlySpan());
        OnTlsPlaintext();
    }

    private void OnTlsPlaintext()
    {
        var tls = _tls!;
        while (tls.TryRead(out var plaintext))
            OnPlaintext(plaintext);
        SendWireOutput();
        if (tls.Ended && tls.Failure is { } failure)
            Fail($"TLS failed: {failure}");
    }

    private ByteString Encrypt(ByteString plaintext)
    {
        if (_tls!.Write(plaintext.ToReadOnlySpan()))
            return _tls.TakeWireOutput();
        Fail($"TLS failed: {_tls.Failure}"); // the requests in flight fail with the reason
        return ByteString.Empty;
    }

    private void SendWireOutput()
    {
        if (_tls is { HasWireOutput: true })
            _socket.Tell(Tcp.Write.Create(_tls.TakeWireOutput()));
    }

    private void SendCloseNotify()
    {
        if (_tls is not { IsOpen: true })
            return;
        _tls.Shutdown();
        SendWireOutput();
    }
}
