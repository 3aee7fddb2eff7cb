using System.Text;

namespace AkkaTcp.Protocols;

/// <summary>
/// Newline-delimited lines, each echoed back: the classic first TCP server. With a heartbeat
/// configured, the server sends "PING" lines to a silent client and takes "PONG" lines as answers
/// (not echoed). At shutdown it can send a goodbye line (echo.drain-message).
/// </summary>
public sealed class EchoProtocol : LineProtocol
{
    private readonly EchoHandler _handler;

    public EchoProtocol(ProtocolContext context) : base(context)
    {
        var drainMessage = context.Config.Section("echo").ExactString("drain-message");
        _handler = new EchoHandler(context.Heartbeat.Enabled, drainMessage.Length == 0 ? null : Encoding.UTF8.GetBytes(drainMessage));
    }

    // The handler keeps no per-connection state, so every connection shares it.
    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) => _handler;
}
