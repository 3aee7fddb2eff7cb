using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Keyspace;

/// <summary>
/// The lock a local partition handles every message under, which lets a connection run a batch
/// in the partition on its own thread instead of sending it: no message to the partition and none
/// back, no mailbox run on either side (see the resp README, "Keyspace partitions: a batch usually runs on the connection's thread").
/// <para>
/// A connection runs a batch here only when nothing sent to the partition waits in its mailbox
/// (<see cref="Sent"/> counts them in, the partition <see cref="Taken"/> out), so everything a
/// client sent earlier has run first: per-client order is the same as by message. A thread that
/// already holds a gate never takes a second one (no lock order to get wrong) nor the same one
/// again (a batch never runs inside another), and a busy gate is not waited for: it sends instead.
/// </para>
/// </summary>
internal sealed class PartitionGate
{
    private readonly Lock _lock = new();
    private Func<KeyCommand[], RespValue[]>? _runBatch;
    private RunOne? _runOne;
    private int _queued;

    // Gates this thread holds (a partition's message can only nest in another's where mailboxes
    // run nested, which the inline executor never does).
    [ThreadStatic]
    private static int _held;

    /// <summary>The partition is up: batches and single commands may run in it through these.</summary>
    public void Open(Func<KeyCommand[], RespValue[]> runBatch, RunOne runOne)
    {
        using (_lock.EnterScope())
            (_runBatch, _runOne) = (runBatch, runOne);
    }

    /// <summary>The partition stopped: batches go by message again (and meet its deadline errors).</summary>
    public void Close()
    {
        using (_lock.EnterScope())
            (_runBatch, _runOne) = (null, null);
    }

    /// <summary>An <see cref="IPartitionRequest"/> for the partition is about to be sent.</summary>
    public void Sent() => Interlocked.Increment(ref _queued);

    /// <summary>The partition took a message counted by <see cref="Sent"/> (call while holding the gate).</summary>
    public void Taken() => Interlocked.Decrement(ref _queued);

    /// <summary>Held while the partition handles a message.</summary>
    public Scope Enter()
    {
        _lock.Enter();
        _held++;
        return new Scope(this);
    }

    /// <summary>
    /// Runs <paramref name="requests"/> in the partition now, or answers null: send them instead.
    /// Never waits: while the partition or another connection is in the gate, the batch is sent,
    /// so a long command (KEYS over a large partition) does not hold the caller's thread too.
    /// </summary>
    public RespValue[]? TryRun(KeyCommand[] requests)
    {
        if (!TryEnter())
            return null;
        using var scope = new Scope(this);
        return _runBatch!(requests);
    }

    /// <summary>
    /// A client's command (<see cref="CommandTable.All"/>[<paramref name="command"/>] with
    /// <paramref name="args"/>), as <see cref="TryRun(KeyCommand[])"/>: its reply, or null. Nothing
    /// keeps <paramref name="args"/> after it returns, so the caller may reuse the array.
    /// <paramref name="clock"/> is the time of the caller's run of commands (0 until its first reads it).
    /// </summary>
    public RespValue? TryRun(int command, byte[][] args, bool noTouch, ref long clock)
    {
        if (!TryEnter())
            return null;
        using var scope = new Scope(this);
        return _runOne!(command, args, noTouch, ref clock);
    }

    /// <summary>Runs one client command in the partition (see <see cref="TryRun(int, byte[][], bool, ref long)"/>).</summary>
    public delegate RespValue RunOne(int command, byte[][] args, bool noTouch, ref long clock);

    private bool TryEnter()
    {
        if (_held != 0 || Volatile.Read(ref _queued) != 0 || !_lock.TryEnter())
            return false;
        if (_runOne is null || _queued != 0)
        {
            _lock.Exit();
            return false;
        }
        _held++;
        return true;
    }

    public readonly struct Scope(PartitionGate gate) : IDisposable
    {
        public void Dispose()
        {
            _held--;
            gate._lock.Exit();
        }
    }
}
