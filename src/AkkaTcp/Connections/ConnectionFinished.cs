namespace AkkaTcp.Connections;

/// <summary>
/// Sent by a connection actor to its listener once it owes nothing: every reply has been handed to
/// the socket and Akka.IO has sent its FIN. It may still wait (up to close-timeout) for the
/// client's FIN, but a drain counts it as drained.
/// </summary>
internal sealed class ConnectionFinished
{
    public static readonly ConnectionFinished Instance = new();
}
