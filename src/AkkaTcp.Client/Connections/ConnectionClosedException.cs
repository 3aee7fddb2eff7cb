using System.Net;

namespace AkkaTcp.Client;

/// <summary>
/// The connection a request was on ended before its reply came (peer closed or reset, protocol
/// error, disposal). Every request in flight on that connection fails with it at once.
/// </summary>
public sealed class ConnectionClosedException(EndPoint endpoint, string reason)
    : Exception($"Connection to {endpoint} closed before the reply came: {reason}")
{
    public EndPoint EndPoint { get; } = endpoint;

    public string Reason { get; } = reason;
}
