using System.Net;

namespace AkkaTcp.Client;

/// <summary>A connection could not be opened: refused, unreachable, or connect-timeout passed.</summary>
public sealed class ConnectionFailedException(EndPoint endpoint, string reason, Exception? inner = null)
    : Exception($"Could not connect to {endpoint}: {reason}", inner)
{
    public EndPoint EndPoint { get; } = endpoint;
}
