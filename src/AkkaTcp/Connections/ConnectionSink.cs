using Akka.Actor;
using System.Buffers;
using AkkaTcp.Protocols;

namespace AkkaTcp.Connections;

/// <summary>
/// The connection actor's side of <see cref="IConnectionSink"/>: the session writes into the output
/// buffer and records a close request, which the actor acts on after the session returns.
/// </summary>
internal sealed class ConnectionSink : IConnectionSink
{
    private readonly ReplyOrder _replies;
    private readonly IConnectionSinkOwner _owner;
    private Action<Task, object?>? _onDeferredDone; // made at the first deferred reply: most connections have none
    private int _maxPendingOutputBytes;

    public ConnectionSink(ConnectionInfo connection, IActorRef self, ReplyOrder replies, IConnectionSinkOwner owner, ServerMetrics metrics)
    {
        Metrics = metrics;
        Connection = connection;
        Self = self;
        _replies = replies;
        _owner = owner;
    }

    public ConnectionInfo Connection { get; }

    /// <summary>The server's metrics, for the framed session's frame counts.</summary>
    public ServerMetrics Metrics { get; }

    public IActorRef Self { get; }

    public IBufferWriter<byte> Output => _replies.Writer;

    public int PendingOutputBytes => _owner.HeldOutputBytes;

    public int MaxPendingOutputBytes
    {
        get => _maxPendingOutputBytes > 0 ? _maxPendingOutputBytes : _owner.ServerMaxPendingOutputBytes;
        set => _maxPendingOutputBytes = Math.Max(0, value);
    }

    public bool IsClosing => CloseReason is not null;

    /// <summary>The reason of the first close request, if any.</summary>
    public CloseReason? CloseReason { get; private set; }

    public void Close(CloseReason reason) => CloseReason ??= reason;

    /// <summary>True when the first close request was <see cref="Abort"/>: reset, not a graceful close.</summary>
    public bool Aborting { get; private set; }

    public void Abort(CloseReason reason)
    {
        if (CloseReason is null)
            Aborting = true;
        CloseReason ??= reason;
    }

    /// <summary>The session asked for no more input for now; the actor applies it after the session returns.</summary>
    public bool ReadingPaused { get; private set; }

    public void PauseReading() => ReadingPaused = true;

    public void ResumeReading() => ReadingPaused = false;

    public void ReplyLater(Task work, Action writeReply) => WhenDone(work, _replies.Reserve(writeReply));

    public void ReplyWhenDone(Task work, Action writeReply) => WhenDone(work, _replies.ReserveUnordered(writeReply));

    public ReplyToken ReserveReply() => _replies.Reserve();

    public void CompleteReply<TState>(ReplyToken reserved, TState state, Action<TState> writeReply) => _replies.Complete(reserved, state, writeReply);

    private void WhenDone(Task work, object slot) =>
        work.ContinueWith(_onDeferredDone ??= _owner.OnDeferredDone, slot, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
