
namespace AkkaTcp.Protocols;

/// <summary>
/// A protocol's logic: frames in, replies out. Runs inside the connection actor, one call at a
/// time, with no message hop per frame. Created per connection, so it may keep session state; over
/// UDP (<c>transport = udp</c>) each datagram is a connection of its own, with its own handler.
/// An exception thrown here stops only this connection (it is reset, logged and counted).
/// </summary>
public interface IFrameHandler<TFrame, TReply>
    where TFrame : allows ref struct
    where TReply : allows ref struct
{
    /// <summary>Called once when the connection is ready; may send a greeting.</summary>
    void OnConnected(IConnectionContext<TReply> connection)
    {
    }

    /// <summary>Heartbeat: reply with the protocol's ping frame and return true; false if it has none.</summary>
    bool TryPing(IConnectionContext<TReply> connection) => false;

    /// <summary>Graceful shutdown: reply with a goodbye frame and return true; false if none.</summary>
    bool TryGoodbye(IConnectionContext<TReply> connection) => false;

    /// <summary>A message for this connection from another actor (see <see cref="IConnectionContext{TReply}.ReserveReply"/>); true if handled.</summary>
    bool OnMessage(object message, IConnectionContext<TReply> connection) => false;

    /// <summary>
    /// The client has closed its side: no more frames will come; replies still owed are sent
    /// before the connection closes. Stop waiting on anything open-ended for this client (resp
    /// answers a blocked BLPOP at once). Nothing by default.
    /// </summary>
    void OnPeerClosed(IConnectionContext<TReply> connection)
    {
    }

    /// <summary>The connection has ended (any reason).</summary>
    void OnClosed()
    {
    }

    /// <summary>
    /// The frames of one received chunk have all been handled: a handler that collected work while
    /// handling them sends it now (resp sends one message per keyspace partition for a whole
    /// pipelined batch, not one per command). Nothing by default.
    /// </summary>
    void OnFramesEnd(IConnectionContext<TReply> connection)
    {
    }

    /// <summary>Handles one frame. The frame is only valid during this call: copy what you keep.</summary>
    void OnFrame(TFrame frame, IConnectionContext<TReply> connection);

    /// <summary>
    /// The decoder refused the input. Reply with the protocol's error if it has one; the connection
    /// is closed afterwards with the error's reason.
    /// </summary>
    void OnProtocolError(ProtocolError error, IConnectionContext<TReply> connection);
}
