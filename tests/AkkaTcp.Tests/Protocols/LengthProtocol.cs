using AkkaTcp.Protocols;

namespace AkkaTcp.Tests.Protocols;

// The "Writing a protocol" example of src/AkkaTcp/README.md, as written there: it compiles here and
// GuideExampleTests runs it, so the guide cannot drift from the API.

// Answers every line with its length. LineProtocol supplies the line codec (line-delimiter,
// max-frame-size) and the busy reply; FramedProtocol<TFrame, TReply> is the general base.
public sealed class LengthProtocol(ProtocolContext context) : LineProtocol(context)
{
    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) => new Handler();

    private sealed class Handler : IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
    {
        private readonly byte[] _digits = new byte[11];

        public void OnFrame(ReadOnlySpan<byte> line, IConnectionContext<ReadOnlySpan<byte>> connection)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat(line.Length, _digits, out var written);
            connection.Reply(_digits.AsSpan(0, written));     // encoded at once; sent in request order
        }

        public void OnProtocolError(ProtocolError error, IConnectionContext<ReadOnlySpan<byte>> connection) =>
            connection.Reply(LineReplies.Error(error));        // "ERR ..."; then the connection closes
    }
}
