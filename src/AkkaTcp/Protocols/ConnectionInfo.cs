using System.Net;

namespace AkkaTcp.Protocols;

/// <summary>Who a connection is: its id (unique per server), its server and both endpoints.</summary>
public sealed record ConnectionInfo(long Id, string Server, EndPoint RemoteEndPoint, EndPoint LocalEndPoint)
{
    public override string ToString() => $"{Server}#{Id} {RemoteEndPoint}";
}
