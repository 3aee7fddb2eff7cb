using System.Net;

namespace AkkaTcp.Listening;

/// <summary>Lists the server's connections; answered with a list of <see cref="ConnectionSnapshot"/>, oldest first.</summary>
internal sealed class ListConnections
{
    public static readonly ListConnections Instance = new();
}

/// <summary>Closes the connection with this id, or every connection from this address, gracefully (reason kicked); answered with how many.</summary>
internal sealed record KickConnections(long? Id, IPAddress? Address);

/// <summary>Turns new clients away (busy reply, reason refused) or takes them again; answered with Akka.Done.</summary>
internal sealed record SetSuspended(bool Suspended);
