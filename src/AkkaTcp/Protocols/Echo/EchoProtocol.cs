using System.Buffers;
using AkkaTcp.Framing;

namespace AkkaTcp.Protocols.Echo;

/// <summary>
/// Newline-delimited lines, each echoed back: the classic first TCP server. With a heartbeat
/// configured, the server sends "PING" lines to a silent client and takes "PONG" lines as answers
/// (not echoed). At shutdown it can send a goodbye line (echo.drain-message).
/// </summary>
public sealed class EchoProtocol : FramedProtocol<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
{
    private readonly LineCodec _codec;
    private readonly EchoHandler _handler;

    public EchoProtocol(ProtocolContext context)
    {
        _codec = LineCodecSettings.CreateCodec(context);
        var heartbeat = context.Config.Section("heartbeat").Duration("interval", TimeSpan.Zero, TimeSpan.FromDays(1)) > TimeSpan.Zero;
        var drainMessage = context.Config.Section("echo").ExactString("drain-message");
        _handler = new EchoHandler(heartbeat, drainMessage.Length == 0 ? null : System.Text.Encoding.UTF8.GetBytes(drainMessage));
    }

    // The codec and handler keep no per-connection state, so every connection shares one of each.
    protected override IFrameDecoder<ReadOnlySpan<byte>> CreateDecoder() => _codec;

    protected override IFrameEncoder<ReadOnlySpan<byte>> CreateEncoder() => _codec;

    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) => _handler;

    public override void WriteBusyReply(IBufferWriter<byte> output) => _codec.Encode(LineReplies.Busy, output);
}
