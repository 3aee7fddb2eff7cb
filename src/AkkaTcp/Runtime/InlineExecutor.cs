using Akka.Dispatch;

namespace AkkaTcp.Runtime;

/// <summary>
/// Runs a mailbox on the thread that scheduled it when that thread is a socket engine thread
/// (with <see cref="InlineSocketCompletions"/>, where Akka.IO learns that bytes arrived) or, when
/// allowed, a thread-pool thread; anywhere else — the scheduler's timer thread, a caller's own
/// thread — it queues the mailbox to the thread pool. A request then goes from the socket to
/// Akka.IO's connection actor, ours, the protocol and back to the socket on one thread, without
/// the thread-pool hand-offs between them.
/// <para>
/// A mailbox scheduled while one runs here (an actor telling another) waits in this thread's turn
/// and runs after the current one, never inside it, so the stack stays flat. A turn runs at most
/// <c>max-runs</c> mailboxes; what is left then goes to the thread pool, so one busy chain of
/// actors (a keyspace partition answering many connections) neither holds a socket thread nor
/// keeps the other cores idle.
/// </para>
/// </summary>
internal sealed class InlineExecutor(string id, int maxRunsPerTurn, bool fromThreadPool) : ExecutorService(id)
{
    // The name .NET gives its epoll threads (SocketAsyncEngine). Were it to change, nothing would
    // run inline any more and every mailbox would go to the thread pool: slower, still correct.
    private const string SocketEngineThreadName = ".NET Sockets";

    // The mailboxes waiting in this thread's current turn; null outside a turn. One turn per
    // thread, shared by every inline executor (another dispatcher's mailbox scheduled during a
    // turn joins it): a thread never runs two turns nested.
    [ThreadStatic]
    private static Queue<IRunnable>? _turn;

    // Kept between turns so a turn allocates nothing.
    [ThreadStatic]
    private static Queue<IRunnable>? _spareQueue;

    [ThreadStatic]
    private static ThreadKind _threadKind;

    public override void Execute(IRunnable run)
    {
        if (_turn is { } turn)
            turn.Enqueue(run);
        else if (MayRunHere())
            RunTurn(run);
        else
            HandOver(run);
    }

    public override void Shutdown()
    {
        // Nothing of its own to stop: it runs on threads it does not own.
    }

    private bool MayRunHere()
    {
        if (_threadKind == ThreadKind.Unknown)
            _threadKind = Thread.CurrentThread.Name == SocketEngineThreadName ? ThreadKind.SocketEngine
                : Thread.CurrentThread.IsThreadPoolThread ? ThreadKind.ThreadPool
                : ThreadKind.Other;
        return _threadKind == ThreadKind.SocketEngine || (fromThreadPool && _threadKind == ThreadKind.ThreadPool);
    }

    /// <summary>Runs <paramref name="first"/> and what it schedules, up to the turn's budget.</summary>
    private void RunTurn(IRunnable first)
    {
        var turn = _turn = _spareQueue ?? new Queue<IRunnable>();
        _spareQueue = null;
        try
        {
            first.Run();
            var runs = 1;
            while (turn.TryDequeue(out var next))
            {
                if (runs++ < maxRunsPerTurn)
                    next.Run();
                else
                    HandOver(next);
            }
        }
        finally
        {
            // A mailbox run does not throw (Akka handles an actor's failure inside it); should one,
            // what it scheduled still runs elsewhere rather than being lost.
            while (turn.TryDequeue(out var left))
                HandOver(left);
            _turn = null;
            _spareQueue = turn;
        }
    }

    /// <summary>Queues a mailbox to the thread pool, where it runs as a turn of its own.</summary>
    private void HandOver(IRunnable run) => ThreadPool.UnsafeQueueUserWorkItem(new QueuedTurn(this, run), preferLocal: false);

    private sealed class QueuedTurn(InlineExecutor executor, IRunnable run) : IThreadPoolWorkItem
    {
        public void Execute() => executor.RunTurn(run);
    }

    private enum ThreadKind : byte
    {
        Unknown,
        SocketEngine,
        ThreadPool,
        Other,
    }
}
