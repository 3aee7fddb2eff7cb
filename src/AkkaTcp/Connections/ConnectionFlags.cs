namespace AkkaTcp.Connections;

/// <summary>
/// A connection's conditions besides its state (Queued, Serving, Closing), as one value, the way
/// Akka.IO's own connection keeps them.
/// </summary>
[Flags]
internal enum ConnectionFlags
{
    None = 0,
    /// <summary>Akka.IO was told to stop reading (and not told to resume since).</summary>
    ReadingSuspended = 1 << 0,
    /// <summary>Pending output passed write-high-water-mark; cleared below write-low-water-mark.</summary>
    SuspendedForOutput = 1 << 1,
    /// <summary>max-in-flight deferred replies are outstanding.</summary>
    SuspendedForInFlight = 1 << 2,
    /// <summary>The client's FIN has come.</summary>
    PeerClosed = 1 << 3,
    /// <summary>Our Close/ConfirmedClose (or Abort) has been sent.</summary>
    CloseSent = 1 << 4,
    /// <summary>We reset the connection.</summary>
    Aborted = 1 << 5,
    /// <summary>Akka.IO reported the socket closed (or its actor died).</summary>
    SocketClosed = 1 << 6,
    /// <summary>A first complete frame has been read (the handshake-timeout no longer applies).</summary>
    Framed = 1 << 7,
    /// <summary>Input came since the last heartbeat tick.</summary>
    InputSinceHeartbeat = 1 << 8,
    /// <summary>The protocol session was given its sink (after the TLS handshake, with TLS).</summary>
    SessionStarted = 1 << 9,
    /// <summary>Akka.IO has sent our FIN and the listener was told this connection owes nothing.</summary>
    Finished = 1 << 10,
    /// <summary>
    /// Akka.IO stopped reading after the chunk it delivered (connections read in pull mode) and no
    /// resume is on its way: none told, none left with DeferredReads. Resumed once reading is not
    /// suspended.
    /// </summary>
    ChunkPaused = 1 << 11,
}
