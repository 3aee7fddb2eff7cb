using AkkaTcp.Protocols;

namespace AkkaTcp.Tests.Protocols;

/// <summary>
/// A user protocol whose handler answers every frame with the remote address it was created for:
/// shows which client a handler belongs to (over UDP, each datagram's own source).
/// </summary>
public sealed class SourceEchoProtocol(ProtocolContext context) : LineProtocol(context)
{
    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) =>
        new Handler(System.Text.Encoding.ASCII.GetBytes(((System.Net.IPEndPoint)connection.RemoteEndPoint).Address.ToString()));

    private sealed class Handler(byte[] createdFor) : IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
    {
        public void OnFrame(ReadOnlySpan<byte> frame, IConnectionContext<ReadOnlySpan<byte>> connection) => connection.Reply(createdFor);

        public void OnProtocolError(ProtocolError error, IConnectionContext<ReadOnlySpan<byte>> connection) =>
            connection.Reply(LineReplies.Error(error));
    }
}
