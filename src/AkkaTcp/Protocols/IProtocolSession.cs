namespace AkkaTcp.Protocols;

/// <summary>
/// One connection's protocol state. Runs inside the connection actor: its methods are never called
/// concurrently, and must not block.
/// </summary>
public interface IProtocolSession
{
    /// <summary>
    /// Called once the connection is registered, with the connection's sink: the session keeps it
    /// for every later call (all on the connection actor). May write a greeting.
    /// </summary>
    void OnConnected(IConnectionSink sink);

    /// <summary>
    /// Handles the bytes received so far and not yet consumed, and returns how many it consumed
    /// (whole frames). The rest is offered again, with more bytes after it, on the next call.
    /// </summary>
    int OnReceived(ReadOnlySpan<byte> input);

    /// <summary>
    /// Heartbeat: writes the protocol's ping frame and returns true, or returns false when the
    /// protocol has none (then heartbeats are not sent).
    /// </summary>
    bool TryWritePing() => false;

    /// <summary>Graceful shutdown: writes the protocol's goodbye (if it has one) before the connection drains.</summary>
    bool TryWriteGoodbye() => false;

    /// <summary>
    /// A message sent to the connection actor that is not Akka.IO's (e.g. a reply from an actor the
    /// session asked); returns true if the session handled it.
    /// </summary>
    bool OnMessage(object message) => false;

    /// <summary>
    /// A write was acknowledged by the socket: a session streaming a large reply (a download)
    /// writes its next part here, paced by the client's reading. Nothing by default.
    /// </summary>
    void OnWritten()
    {
    }

    /// <summary>
    /// True while the session is in the middle of a reply it writes over several steps (a
    /// download): a graceful close waits for it, and the idle timer does not count it as silence.
    /// While busy a session may leave input unconsumed; it is offered again after the session's
    /// next <see cref="OnMessage"/> or <see cref="OnWritten"/>.
    /// </summary>
    bool IsBusy => false;

    /// <summary>
    /// The client has closed its side (its FIN): no more requests will come; replies still owed
    /// are sent before the connection closes. A session waiting on something open-ended for this
    /// client (a blocking command) should stop waiting now. Nothing by default.
    /// </summary>
    void OnPeerClosed()
    {
    }

    /// <summary>The connection has ended (any reason); release per-connection resources.</summary>
    void OnClosed()
    {
    }
}
