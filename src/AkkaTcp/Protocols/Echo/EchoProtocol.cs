using AkkaTcp.Framing;

namespace AkkaTcp.Protocols.Echo;

/// <summary>Newline-delimited lines, each echoed back: the classic first TCP server.</summary>
public sealed class EchoProtocol : FramedProtocol<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
{
    private readonly LineCodec _codec;
    private readonly EchoHandler _handler = new();

    public EchoProtocol(ProtocolContext context) => _codec = LineCodecSettings.CreateCodec(context);

    // The codec and handler keep no per-connection state, so every connection shares one of each.
    protected override IFrameDecoder<ReadOnlySpan<byte>> CreateDecoder() => _codec;

    protected override IFrameEncoder<ReadOnlySpan<byte>> CreateEncoder() => _codec;

    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) => _handler;
}
