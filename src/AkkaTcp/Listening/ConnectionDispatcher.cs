namespace AkkaTcp.Listening;

/// <summary>The dispatcher connection actors run on, configured in reference.conf.</summary>
public static class ConnectionDispatcher
{
    public const string Id = "akka-tcp.connection-dispatcher";
}
