using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>
/// A sharded partition's snapshots in Akka.Persistence's snapshot store (the one
/// akka.persistence.snapshot-store.plugin names, shared by every member), spoken to directly: no
/// journal is involved. On start it loads the latest and hands it to its partition, trying again
/// every second while the store fails or does not answer. Then it saves what the partition sends
/// (one at a time: the partition waits for each answer), and deletes the ones before. A snapshot's
/// sequence number is its time (UTC ticks, rising within a member), so a save that a partition's
/// previous incarnation started just before it moved, landing after its next incarnation's first
/// save, is never the one loaded.
/// </summary>
internal sealed class PartitionSnapshots(string persistenceId) : UntypedActor, IWithTimers
{
    private static readonly TimeSpan RetryLoadAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(30);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _store = Persistence.Instance.Apply(Context.System).SnapshotStoreFor(null);
    private bool _loaded;
    private long _lastSequenceNr;
    private SaveSnapshotOf? _saving;

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed class LoadAgain
    {
        public static readonly LoadAgain Instance = new();
    }

    protected override void PreStart() => Load();

    /// <summary>A save in flight when this failed is forgotten: its partition's next interval saves again.</summary>
    protected override void PostRestart(Exception reason)
    {
        Context.Parent.Tell(SnapshotFailed.Instance);
        base.PostRestart(reason);
    }

    private void Load()
    {
        _store.Tell(new LoadSnapshot(persistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue));
        Timers.StartSingleTimer(LoadAgain.Instance, LoadAgain.Instance, LoadTimeout);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case LoadSnapshotResult result when !_loaded:
                _loaded = true;
                Timers.Cancel(LoadAgain.Instance);
                _lastSequenceNr = result.Snapshot?.Metadata.SequenceNr ?? 0;
                Context.Parent.Tell(new SnapshotLoaded(result.Snapshot?.Snapshot as byte[]));
                break;
            case LoadSnapshotFailed failed when !_loaded:
                _log.Error(failed.Cause, "Snapshot of {PersistenceId} could not be loaded; its partition answers nothing until it is, trying again every {Delay}", persistenceId, RetryLoadAfter);
                Timers.StartSingleTimer(LoadAgain.Instance, LoadAgain.Instance, RetryLoadAfter);
                break;
            case LoadAgain when !_loaded:
                Load();
                break;
            case SaveSnapshotOf save:
                _saving = save;
                _lastSequenceNr = Math.Max(_lastSequenceNr + 1, DateTime.UtcNow.Ticks);
                _store.Tell(new SaveSnapshot(new SnapshotMetadata(persistenceId, _lastSequenceNr, DateTime.UtcNow), save.Bytes));
                break;
            case SaveSnapshotSuccess success when _saving is not null:
                _store.Tell(new DeleteSnapshots(persistenceId, new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1)));
                Context.Parent.Tell(new SnapshotSaved(_saving.Changes));
                _saving = null;
                break;
            case SaveSnapshotFailure failure when _saving is not null:
                _log.Warning(failure.Cause, "Snapshot of {PersistenceId} not saved; its partition tries again at its next interval", persistenceId);
                Context.Parent.Tell(SnapshotFailed.Instance);
                _saving = null;
                break;
            case DeleteSnapshotsFailure failure:
                _log.Warning(failure.Cause, "Older snapshots of {PersistenceId} not deleted; the next save deletes them", persistenceId);
                break;
            case DeleteSnapshotsSuccess or LoadSnapshotResult or LoadSnapshotFailed or LoadAgain or SaveSnapshotSuccess or SaveSnapshotFailure:
                break; // late answers: to a load already done, or to a save from before a restart
            default:
                Unhandled(message);
                break;
        }
    }
}
