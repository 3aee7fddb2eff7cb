using System.Text;
using AkkaTcp.Protocols;

namespace AkkaTcp.Tests.Protocols;

/// <summary>
/// A user protocol with asynchronous answers: "sleep N" is answered "slept N" after N ms (the reply
/// is piped back to the connection); any other line is echoed at once.
/// </summary>
public sealed class SlowEchoProtocol(ProtocolContext context) : LineProtocol(context)
{
    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) => new Handler();

    private sealed class Handler : IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
    {
        public void OnFrame(ReadOnlySpan<byte> frame, IConnectionContext<ReadOnlySpan<byte>> connection)
        {
            var line = Encoding.ASCII.GetString(frame);
            if (line.StartsWith("sleep ", StringComparison.Ordinal) && int.TryParse(line[6..], out var ms))
            {
                connection.ReplyLater(Task.Delay(ms).ContinueWith(_ => $"slept {ms}"),
                    (text, c) => c.Reply(Encoding.ASCII.GetBytes(text)));
                return;
            }
            connection.Reply(frame);
        }

        public void OnProtocolError(ProtocolError error, IConnectionContext<ReadOnlySpan<byte>> connection) =>
            connection.Reply(LineReplies.Error(error));
    }
}
