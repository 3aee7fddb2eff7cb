using AkkaTcp.Protocols;

namespace AkkaTcp.Tests.Protocols;

/// <summary>
/// A user protocol named in HOCON (akka-tcp.protocols.crashing): echoes lines, but its handler
/// throws on the line "boom", as a buggy handler would.
/// </summary>
public sealed class CrashingEchoProtocol(ProtocolContext context) : LineProtocol(context)
{
    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) => new Handler();

    private sealed class Handler : IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
    {
        public void OnFrame(ReadOnlySpan<byte> frame, IConnectionContext<ReadOnlySpan<byte>> connection)
        {
            if (frame.SequenceEqual("boom"u8))
                throw new InvalidOperationException("the handler blew up on purpose");
            connection.Reply(frame);
        }

        public void OnProtocolError(ProtocolError error, IConnectionContext<ReadOnlySpan<byte>> connection) =>
            connection.Reply(LineReplies.Error(error));
    }
}
