using System.Buffers;
using Akka.Actor;

namespace AkkaTcp.Protocols;

/// <summary>What a protocol session may do to its connection: write bytes, and ask it to close.</summary>
public interface IConnectionSink
{
    ConnectionInfo Connection { get; }

    /// <summary>
    /// Output not yet sent. Bytes written here are sent, in order, when the current message has
    /// been handled; replies written while a write is in flight go out together in the next one.
    /// </summary>
    IBufferWriter<byte> Output { get; }

    /// <summary>
    /// Output bytes the connection still holds: written here and not yet sent, or sent in a write
    /// whose acknowledgement (which calls <see cref="IProtocolSession.OnWritten"/>) is awaited.
    /// </summary>
    int PendingOutputBytes { get; }

    /// <summary>
    /// The most reply bytes this connection may hold behind the write being sent before it is reset
    /// as a slow reader: the server's max-pending-write-bytes unless set for this connection (resp
    /// sets its pub/sub hard limit for a subscribed client, as Redis has a class of its own for them).
    /// Setting it to 0 goes back to the server's value.
    /// </summary>
    int MaxPendingOutputBytes { get; set; }

    /// <summary>True once <see cref="Close"/> was called: handle no more frames.</summary>
    bool IsClosing { get; }

    /// <summary>
    /// Stops reading from the socket until <see cref="ResumeReading"/> (backpressure for input the
    /// session cannot take yet, e.g. an upload waiting on the disk). One chunk already on its way
    /// may still arrive.
    /// </summary>
    void PauseReading();

    void ResumeReading();

    /// <summary>Closes the connection gracefully once everything written so far has been sent.</summary>
    void Close(CloseReason reason);

    /// <summary>Resets the connection at once, dropping output not yet sent (a client that does not read).</summary>
    void Abort(CloseReason reason);

    /// <summary>
    /// Holds this reply's place in the output until <paramref name="work"/> completes; then, back on
    /// the connection actor, <paramref name="writeReply"/> writes it to <see cref="Output"/>. Replies
    /// written meanwhile wait behind it, so the client sees replies in request order. A faulted
    /// task fails the connection like a handler exception. Drain waits for held replies.
    /// </summary>
    void ReplyLater(Task work, Action writeReply);

    /// <summary>
    /// Like <see cref="ReplyLater"/>, but the reply goes out as soon as it is ready, in completion order,
    /// for protocols whose replies carry a correlation id (JSON-RPC).
    /// </summary>
    void ReplyWhenDone(Task work, Action writeReply);

    /// <summary>The connection actor: other actors answer a reserved reply by telling it a message.</summary>
    IActorRef Self { get; }

    /// <summary>
    /// Holds the next reply's place in the output (as <see cref="ReplyLater"/> does) until
    /// <see cref="CompleteReply"/> is called with the returned token, from
    /// <see cref="IProtocolSession.OnMessage"/>: the message-based way to answer later, with no Task
    /// or Ask per request. A token is good for one completion; a second one throws.
    /// </summary>
    ReplyToken ReserveReply();

    /// <summary>
    /// Writes a reserved reply: <paramref name="writeReply"/> runs now with <paramref name="state"/>
    /// and writes to <see cref="Output"/>, which points into the reserved place; then whatever is
    /// ready is released in order. (State and a static lambda, so that answering allocates nothing.)
    /// </summary>
    void CompleteReply<TState>(ReplyToken reserved, TState state, Action<TState> writeReply);
}
