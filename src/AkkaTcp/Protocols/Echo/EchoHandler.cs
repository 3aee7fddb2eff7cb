
namespace AkkaTcp.Protocols;

/// <summary>Replies to each line with the line itself; to bad input with "ERR &lt;reason&gt;".</summary>
internal sealed class EchoHandler(bool heartbeat, byte[]? drainMessage) : IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
{
    public bool TryGoodbye(IConnectionContext<ReadOnlySpan<byte>> connection)
    {
        if (drainMessage is null)
            return false;
        connection.Reply(drainMessage);
        return true;
    }

    public void OnFrame(ReadOnlySpan<byte> frame, IConnectionContext<ReadOnlySpan<byte>> connection)
    {
        if (heartbeat && frame.SequenceEqual("PONG"u8))
            return; // the answer to our ping: it kept the connection alive, nothing to echo
        connection.Reply(frame);
    }

    public bool TryPing(IConnectionContext<ReadOnlySpan<byte>> connection)
    {
        connection.Reply("PING"u8);
        return true;
    }

    public void OnProtocolError(ProtocolError error, IConnectionContext<ReadOnlySpan<byte>> connection) =>
        connection.Reply(LineReplies.Error(error));
}
