using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaTcp.Protocols.Resp.Cluster;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Keyspace;

/// <summary>
/// One partition of the resp keyspace: the keys that hash to it, of every type, with their expiry,
/// and the clients blocked on its lists. Runs the commands of the <see cref="CommandTable"/> sent to
/// it; expired keys are dropped on access and by a periodic sweep.
/// </summary>
internal sealed partial class KeyspacePartition : UntypedActor, IWithTimers
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly KeyspaceSize _size;
    private readonly int _index;
    private readonly CommandStats _stats;
    private readonly KeyspaceStore _store;
    private readonly ListWaiters _waiters;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly MemoryLimit _memory;

    // Every partition of the server: a move forwards to the destination's.
    private readonly IKeyspace _partitions;

    // Local partitions only: every message is handled under it, and connections run batches through it.
    private readonly PartitionGate? _gate;

    public KeyspacePartition(KeyspaceSize size, int index, CommandStats stats, long maxStringLength, MemoryLimit memory, IKeyspace partitions, PartitionHandOffs? handOffs, PartitionGate? gate)
    {
        _handOffs = handOffs;
        _gate = gate;
        _size = size;
        _index = index;
        _stats = stats;
        _memory = memory;
        _partitions = partitions;
        _store = new KeyspaceStore(maxStringLength, partitions.Count);
        _waiters = new ListWaiters(_store, Context);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(Sweep.Instance, Sweep.Instance, SweepInterval);
        if (Durability is { } durability)
        {
            StartSnapshots();
            Timers.StartPeriodicTimer(SnapshotTick.Instance, SnapshotTick.Instance, durability.Interval);
        }
        if (_handOffs is not null)
            StartCollecting(_handOffs);
        _gate?.Open(RunHere, RunHere);
    }

    protected override void PostStop() => _gate?.Close();

    protected override bool AroundReceive(Receive receive, object message)
    {
        if (_gate is null)
            return base.AroundReceive(receive, message);
        using (_gate.Enter())
        {
            if (message is IPartitionRequest)
                _gate.Taken();
            return base.AroundReceive(receive, message);
        }
    }

    /// <summary>A batch a connection runs through the gate, on its own thread.</summary>
    private RespValue[] RunHere(KeyCommand[] requests)
    {
        var replies = RunBatch(requests);
        _size.Set(_index, _store.Keys.Count);
        return replies;
    }

    /// <summary>A client's command a connection runs through the gate (a move's reply is its next step, for the connection to run).</summary>
    private RespValue RunHere(int command, byte[][] args, bool noTouch, ref long clock)
    {
        var reply = Run(command, args, null, noTouch, part: false, ref clock);
        _size.Set(_index, _store.Keys.Count);
        return reply;
    }

    /// <summary>
    /// Runs a batch's commands in order. A move is sent alone in its batch, since its reply is its
    /// next step in another partition; one that was not (a bug) is answered with an error, never lost silently.
    /// </summary>
    private RespValue[] RunBatch(KeyCommand[] requests)
    {
        var replies = new RespValue[requests.Length];
        var clock = 0L;
        for (var i = 0; i < replies.Length; i++)
            replies[i] = Run(requests[i], ref clock);
        if (replies.Length > 1)
        {
            for (var i = 0; i < replies.Length; i++)
            {
                if (replies[i] is ForwardValue)
                    replies[i] = NotAlone;
            }
        }
        return replies;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case KeyspaceBatch batch:
                var replies = RunBatch(batch.Requests);
                if (replies is [ForwardValue forward])
                    _partitions.Tell(forward.Partition, new KeyspaceBatch(batch.Tag, [forward.Next]), Sender); // that partition answers the client
                else
                    Sender.Tell(new KeyspaceResults(batch.Tag, replies));
                break;
            case KeyCommand command:
                var clock = 0L;
                Sender.Tell(Run(command, ref clock));
                break;
            case Sweep:
                _store.SweepExpired();
                break;
            case WaitForList wait:
                _waiters.OnWait(wait, Sender);
                _changes++; // a waiter served at once pops a value
                break;
            case WaitSettled settled:
                _waiters.OnSettled(settled, Sender);
                _changes++; // a value given back
                break;
            case WaitCancelled cancelled:
                _waiters.OnCancelled(cancelled.WaitId, Sender);
                _changes++;
                break;
            case Terminated terminated:
                _waiters.OnClientGone(terminated.ActorRef);
                _changes++; // its unsettled values given back
                break;
            case SnapshotTick:
                SaveIfChanged();
                break;
            case SnapshotSaved saved:
                OnSnapshotSaved(saved);
                break;
            case SnapshotFailed:
                OnSnapshotFailed();
                break;
            case SnapshotLoaded:
                break; // the child restarted after a failure: the keys being served are newer
            case HandOffPartition when _handOffs is not null:
                HandOff();
                return;
            case WakeUp:
                break;
            default:
                Unhandled(message);
                break;
        }
        _size.Set(_index, _store.Keys.Count);
        Durability?.Stats.Unsaved(_index, _changes - _savedChanges);
    }

    /// <summary>
    /// Runs one command; a command that throws (a bug, or a malformed message) gets an error reply
    /// of its own, in its place, and the partition keeps its keys and goes on. Clients blocked on a
    /// list the command pushed to are served right after it, before the next command, as in Redis.
    /// <paramref name="clock"/> is the time of this run of commands, the keys' last use: read at
    /// its first command (when 0), then kept for the rest of the run.
    /// </summary>
    private RespValue Run(KeyCommand command, ref long clock) =>
        Run(command.Command, command.Args, command.Payload, command.NoTouch, command.Part, ref clock);

    private RespValue Run(int command, byte[][] args, object? payload, bool noTouch, bool part, ref long clock)
    {
        if ((uint)command >= (uint)CommandTable.All.Length || CommandTable.All[command].InPartition is not { } run)
            return RespValue.Error($"ERR unknown keyspace command {command}");
        var spec = CommandTable.All[command];
        if (clock == 0)
            clock = Stopwatch.GetTimestamp();
        var timer = part ? 0 : _stats.StartTimer(command);
        RespValue reply;
        try
        {
            if (spec.DenyOom && _memory.PerPartition is > 0 and var limit && !_store.MakeRoom(limit, _memory.Policy))
            {
                if (!part)
                    _stats.Record(command, timer, failed: true);
                return OutOfMemory; // as Redis: refused before it runs, the keyspace unchanged
            }
            _store.CommandStarted = clock;
            _store.NoTouch = noTouch;
            _store.Payload = payload;
            reply = run(_store, args);
            _store.MeasureCollectionsUsed();
            if (command == ResetStatsCommand)
                _stats.Reset();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Error(e, "Keyspace command {Command} failed", spec.Name);
            reply = RespValue.Error("ERR internal error: " + e.Message);
        }
        finally
        {
            _store.Payload = null;
        }
        if (!part)
            _stats.Record(command, timer, reply.IsError);
        if (spec.Write && !reply.IsError)
            _changes++;
        if (_store.ListsPushed.Count > 0)
            _waiters.ServePushed();
        return reply;
    }

    private static readonly RespValue NotAlone = RespValue.Error("ERR internal error: a move was not alone in its batch");

    private static readonly RespValue OutOfMemory = RespValue.Error("OOM command not allowed when used memory > 'maxmemory'.");

    private static readonly int ResetStatsCommand = CommandTable.Named("__RESETSTAT").Index;

    private sealed class Sweep
    {
        public static readonly Sweep Instance = new();
    }
}
