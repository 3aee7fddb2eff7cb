using Akka.Actor;

namespace AkkaTcp.Protocols;

/// <summary>A frame handler's view of its connection.</summary>
public interface IConnectionContext<TReply> where TReply : allows ref struct
{
    ConnectionInfo Connection { get; }

    /// <summary>Encodes a reply into the connection's output at once; it is sent in request order.</summary>
    void Reply(TReply reply);

    /// <summary>
    /// Answers later: when <paramref name="work"/> completes, <paramref name="reply"/> runs on the
    /// connection actor with its result and may call <see cref="Reply"/>. Replies keep request order.
    /// </summary>
    void ReplyLater<T>(Task<T> work, Action<T, IConnectionContext<TReply>> reply);

    /// <summary>
    /// Like <see cref="ReplyLater{T}"/>, but the reply goes out as soon as it is ready, possibly
    /// before replies to earlier requests: for protocols that match replies by id.
    /// </summary>
    void ReplyWhenDone<T>(Task<T> work, Action<T, IConnectionContext<TReply>> reply);

    /// <summary>The connection actor, to pass as the sender of a request another actor will answer.</summary>
    IActorRef Self { get; }

    /// <summary>
    /// Keeps a place in the output for a reply another actor will send as a message; when that
    /// message reaches <see cref="IFrameHandler{TFrame,TReply}.OnMessage"/>, call
    /// <see cref="CompleteReply"/> with the returned token. A token is good for one completion; a second one throws.
    /// </summary>
    ReplyToken ReserveReply();

    /// <summary>
    /// Fills a reserved place: <paramref name="write"/> runs now with <paramref name="state"/>, and
    /// its <see cref="Reply"/> calls land in that place. Pass a static lambda and the state it
    /// needs, so that answering allocates nothing.
    /// </summary>
    void CompleteReply<TState>(ReplyToken reserved, TState state, Action<TState, IConnectionContext<TReply>> write);

    /// <summary>Closes the connection gracefully after the replies given so far (e.g. on QUIT).</summary>
    void Close();

    /// <summary>Resets the connection at once, dropping output not yet sent (a client that does not read).</summary>
    void Abort(CloseReason reason);

    /// <summary>Reply bytes written and not yet acknowledged by the socket.</summary>
    int PendingOutputBytes { get; }

    /// <summary>See <see cref="IConnectionSink.MaxPendingOutputBytes"/>.</summary>
    int MaxPendingOutputBytes { get; set; }
}
