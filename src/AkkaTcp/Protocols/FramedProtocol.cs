using System.Buffers;
using Akka.Actor;

namespace AkkaTcp.Protocols;

/// <summary>
/// A protocol made of a codec (decoder + encoder) and a frame handler, each created per connection.
/// Derive from this to add a protocol; name the derived type in <c>akka-tcp.protocols</c>.
/// </summary>
public abstract class FramedProtocol<TFrame, TReply> : IProtocol
    where TFrame : allows ref struct
    where TReply : allows ref struct
{
    protected abstract IFrameDecoder<TFrame> CreateDecoder();

    protected abstract IFrameEncoder<TReply> CreateEncoder();

    protected abstract IFrameHandler<TFrame, TReply> CreateHandler(ConnectionInfo connection);

    /// <summary>Creates what the protocol needs when its server starts (see <see cref="IProtocol.Start"/>); nothing by default.</summary>
    public virtual void Start(IActorContext server)
    {
    }

    /// <summary>What a client refused at admission is told before the close; nothing by default.</summary>
    public virtual void WriteBusyReply(IBufferWriter<byte> output)
    {
    }

    public IProtocolSession OpenSession(ConnectionInfo connection) =>
        new FramedSession<TFrame, TReply>(CreateDecoder(), CreateEncoder(), CreateHandler(connection), connection);
}
