using System.Buffers;
using Akka.Actor;

namespace AkkaTcp.Protocols;

/// <summary>
/// A frame handler's connection when the frame came in a datagram: a reply is written into the
/// reply datagram at once. There is no connection to answer later on or to close, so deferred
/// replies are refused (the datagram is dropped and counted) and Close and Abort do nothing.
/// </summary>
internal sealed class DatagramContext(ConnectionInfo source, IBufferWriter<byte> output, Action<ReadOnlySpan<byte>, IBufferWriter<byte>> encode)
    : IConnectionContext<ReadOnlySpan<byte>>
{
    public ConnectionInfo Connection => source;

    public IActorRef Self => ActorRefs.Nobody;

    public void Reply(ReadOnlySpan<byte> reply) => encode(reply, output);

    public void ReplyLater<T>(Task<T> work, Action<T, IConnectionContext<ReadOnlySpan<byte>>> reply) => throw NotOverUdp();

    public void ReplyWhenDone<T>(Task<T> work, Action<T, IConnectionContext<ReadOnlySpan<byte>>> reply) => throw NotOverUdp();

    public ReplyToken ReserveReply() => throw NotOverUdp();

    public void CompleteReply<TState>(ReplyToken reserved, TState state, Action<TState, IConnectionContext<ReadOnlySpan<byte>>> write) => throw NotOverUdp();

    public void Close()
    {
    }

    public void Abort(CloseReason reason)
    {
    }

    public int PendingOutputBytes => 0;

    /// <summary>A datagram's reply is one datagram: there is no output to bound.</summary>
    public int MaxPendingOutputBytes { get => 0; set { } }

    private static NotSupportedException NotOverUdp() => new("replies that come later cannot be sent over udp");
}
