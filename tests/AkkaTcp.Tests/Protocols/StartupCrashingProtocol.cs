using System.Buffers;
using AkkaTcp.Protocols;

namespace AkkaTcp.Tests.Protocols;

/// <summary>
/// A user protocol that echoes lines but throws in one start-up step of a connection, chosen by
/// its key `startup-crash.step`: open-session, on-connected or busy-reply (a buggy protocol).
/// </summary>
public sealed class StartupCrashingProtocol : LineProtocol
{
    private readonly string _step;

    public StartupCrashingProtocol(ProtocolContext context)
        : base(context) => _step = context.Config.Section("startup-crash").String("step");

    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) =>
        _step == "open-session" ? throw new InvalidOperationException("OpenSession failed on purpose") : new Handler(_step);

    public override void WriteBusyReply(IBufferWriter<byte> output)
    {
        if (_step == "busy-reply")
            throw new InvalidOperationException("the busy reply failed on purpose");
        base.WriteBusyReply(output);
    }

    private sealed class Handler(string step) : IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
    {
        public void OnConnected(IConnectionContext<ReadOnlySpan<byte>> connection)
        {
            if (step == "on-connected")
                throw new InvalidOperationException("OnConnected failed on purpose");
        }

        public void OnFrame(ReadOnlySpan<byte> frame, IConnectionContext<ReadOnlySpan<byte>> connection) => connection.Reply(frame);

        public void OnProtocolError(ProtocolError error, IConnectionContext<ReadOnlySpan<byte>> connection) =>
            connection.Reply(LineReplies.Error(error));
    }
}
