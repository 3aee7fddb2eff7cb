using System.Buffers;
using AkkaTcp.Framing;

namespace AkkaTcp.Protocols;

/// <summary>
/// Base of protocols framed by lines (line-delimiter, max-frame-size): frames and replies are
/// byte spans, the codec is shared by every connection, and a refused client is told
/// "ERR server busy". A line protocol only supplies its handler.
/// </summary>
public abstract class LineProtocol : FramedProtocol<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
{
    protected LineProtocol(ProtocolContext context) => Codec = LineCodecSettings.CreateCodec(context);

    /// <summary>Stateless, so one instance serves every connection.</summary>
    protected LineCodec Codec { get; }

    protected sealed override IFrameDecoder<ReadOnlySpan<byte>> CreateDecoder() => Codec;

    protected sealed override IFrameEncoder<ReadOnlySpan<byte>> CreateEncoder() => Codec;

    public override void WriteBusyReply(IBufferWriter<byte> output) => Codec.Encode(LineReplies.Busy, output);
}
