using System.Buffers;

namespace AkkaTcp.Protocols;

/// <summary>
/// Base of protocols framed by lines (line-delimiter, max-frame-size): frames and replies are
/// byte spans, the codec is shared by every connection, and a refused client is told
/// "ERR server busy". A line protocol only supplies its handler.
/// </summary>
public abstract class LineProtocol : FramedProtocol<ReadOnlySpan<byte>, ReadOnlySpan<byte>>, IDatagramProtocol
{
    private Action<ReadOnlySpan<byte>, IBufferWriter<byte>>? _encodeLine; // made once, not per datagram

    protected LineProtocol(ProtocolContext context) => Codec = LineCodecSettings.CreateCodec(context);

    /// <summary>Stateless, so one instance serves every connection.</summary>
    protected LineCodec Codec { get; }

    protected sealed override IFrameDecoder<ReadOnlySpan<byte>> CreateDecoder() => Codec;

    protected sealed override IFrameEncoder<ReadOnlySpan<byte>> CreateEncoder() => Codec;

    public override void WriteBusyReply(IBufferWriter<byte> output) => Codec.Encode(LineReplies.Busy, output);

    /// <summary>
    /// One datagram is one line, with or without its delimiter; the reply ends with the delimiter
    /// only if the request did, so an echo is exactly as long as what it answers.
    /// </summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram, ConnectionInfo source, IBufferWriter<byte> reply)
    {
        var delimited = datagram.Length > 0 && datagram[^1] == Codec.Delimiter;
        var frame = delimited ? datagram[..^1] : datagram;
        if (delimited && Codec.Delimiter == (byte)'\n' && frame.Length > 0 && frame[^1] == (byte)'\r')
            frame = frame[..^1];
        // A datagram is its own connection (IFrameHandler's contract: a handler per connection), so
        // a handler never sees one client's state with another's datagram.
        CreateHandler(source).OnFrame(frame, new DatagramContext(source, reply, delimited ? _encodeLine ??= Codec.Encode : WriteRaw));
    }

    private static readonly Action<ReadOnlySpan<byte>, IBufferWriter<byte>> WriteRaw = (reply, output) => output.Write(reply);
}
