namespace AkkaTcp;

/// <summary>Why a connection ended. Every close has exactly one; they are logged and counted.</summary>
public enum CloseReason
{
    /// <summary>The client closed its side (FIN); owed replies were sent first.</summary>
    PeerClosed,
    /// <summary>No bytes received for idle-timeout.</summary>
    Idle,
    /// <summary>No complete first frame within handshake-timeout.</summary>
    Handshake,
    /// <summary>A write was not acknowledged within write-timeout.</summary>
    WriteTimeout,
    /// <summary>The client did not read its replies; pending output passed max-pending-write-bytes.</summary>
    SlowReader,
    /// <summary>A frame exceeded max-frame-size.</summary>
    FrameTooLarge,
    /// <summary>The client sent input its protocol cannot parse.</summary>
    ProtocolError,
    /// <summary>Refused at admission (limits, or the server was stopping).</summary>
    Refused,
    /// <summary>The client missed its heartbeats.</summary>
    Heartbeat,
    /// <summary>The server shut down.</summary>
    Shutdown,
    /// <summary>The protocol handler ended the session (e.g. QUIT).</summary>
    HandlerClosed,
    /// <summary>A socket error, a reset by the peer, or a failure in the connection's handler.</summary>
    Error,
    /// <summary>A frame in progress came in slower than min-receive-rate.</summary>
    MinRate,
    /// <summary>Refused at admission: its address opened connections faster than max-accept-rate-per-ip.</summary>
    RateLimited,
    /// <summary>Closed by an operator (the control interface's kick, or <see cref="AkkaTcpServer.KickAsync"/>).</summary>
    Kicked,
    /// <summary>The TLS handshake failed or did not complete within the handshake timeout (a plaintext client, garbage, a refused certificate).</summary>
    TlsHandshake,
    /// <summary>A PROXY protocol header was missing when required, malformed, or sent by a source not in trusted-proxies.</summary>
    ProxyProtocol,
}

/// <summary>The names close reasons go by in logs, metrics and configuration.</summary>
public static class CloseReasons
{
    private static readonly string[] Names =
    [
        "peer-closed", "idle", "handshake", "write-timeout", "slow-reader", "frame-too-large",
        "protocol-error", "refused", "heartbeat", "shutdown", "handler-closed", "error", "min-rate",
        "rate-limited", "kicked", "tls-handshake", "proxy-protocol",
    ];

    public static int Count => Names.Length;

    public static string Name(this CloseReason reason) => Names[(int)reason];
}
