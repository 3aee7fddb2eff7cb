using System.Text;
using AkkaTcp.Framing;

namespace AkkaTcp.Protocols.Echo;

/// <summary>Replies to each line with the line itself; to bad input with "ERR &lt;reason&gt;".</summary>
internal sealed class EchoHandler : IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
{
    public void OnFrame(ReadOnlySpan<byte> frame, IConnectionContext<ReadOnlySpan<byte>> connection) => connection.Reply(frame);

    public void OnProtocolError(ProtocolError error, IConnectionContext<ReadOnlySpan<byte>> connection) =>
        connection.Reply(Encoding.UTF8.GetBytes("ERR " + error.Message));
}
