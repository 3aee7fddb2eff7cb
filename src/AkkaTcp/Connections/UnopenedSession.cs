using AkkaTcp.Protocols;

namespace AkkaTcp.Connections;

/// <summary>The session of a connection whose protocol session is not open yet (its PROXY header is still being read): it does nothing.</summary>
internal sealed class UnopenedSession : IProtocolSession
{
    public static readonly UnopenedSession Instance = new();

    public void OnConnected(IConnectionSink sink)
    {
    }

    public int OnReceived(ReadOnlySpan<byte> input) => 0;
}
