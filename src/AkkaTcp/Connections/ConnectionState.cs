namespace AkkaTcp.Connections;

/// <summary>Where a connection is in its life; its other conditions are <see cref="ConnectionFlags"/>.</summary>
internal enum ConnectionState
{
    /// <summary>Created; <c>PreStart</c> moves it on before any message.</summary>
    Starting,
    /// <summary>Reading the PROXY protocol header, before the listener admits it.</summary>
    ReadingProxyHeader,
    /// <summary>The header is read; waiting for the listener's decision.</summary>
    AwaitingAdmission,
    /// <summary>In the waiting room (queue-when-full), not yet served.</summary>
    Queued,
    /// <summary>Running the protocol session.</summary>
    Serving,
    /// <summary>Sending what is owed, then the FIN, until Akka.IO reports the socket closed.</summary>
    Closing,
}
