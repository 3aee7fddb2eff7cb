using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>
/// A sharded partition's snapshots in Akka.Persistence's snapshot store (the one
/// akka.persistence.snapshot-store.plugin names, shared by every member). On start it loads the
/// latest and hands it to its partition; then it saves what the partition sends, one save at a
/// time (a newer snapshot waiting replaces an older one), and deletes the snapshots before each
/// one saved. A failed load stops it (Akka.Persistence's rule): its partition sees it end.
/// </summary>
internal sealed class PartitionSnapshots : UntypedPersistentActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _persistenceId;
    private byte[]? _loaded;
    private SaveSnapshotOf? _saving;
    private SaveSnapshotOf? _next;

    public PartitionSnapshots(string persistenceId)
    {
        _persistenceId = persistenceId;
        // No events are ever written, so recovery needs no shared journal: the in-memory one answers "none".
        JournalPluginId = "akka.persistence.journal.inmem";
    }

    public override string PersistenceId => _persistenceId;

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: byte[] bytes }:
                _loaded = bytes;
                break;
            case RecoveryCompleted:
                Context.Parent.Tell(new SnapshotLoaded(_loaded));
                _loaded = null;
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case SaveSnapshotOf save when _saving is not null:
                _next = save;
                break;
            case SaveSnapshotOf save:
                Start(save);
                break;
            case SaveSnapshotSuccess success:
                DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr, success.Metadata.Timestamp.AddTicks(-1)));
                Context.Parent.Tell(new SnapshotSaved(_saving!.Changes));
                StartNext();
                break;
            case SaveSnapshotFailure failure:
                _log.Warning(failure.Cause, "Snapshot of {PersistenceId} not saved; the partition tries again at its next interval", _persistenceId);
                Context.Parent.Tell(SnapshotFailed.Instance);
                StartNext();
                break;
            case DeleteSnapshotsFailure failure:
                _log.Warning(failure.Cause, "Older snapshots of {PersistenceId} not deleted; the next save deletes them", _persistenceId);
                break;
            case DeleteSnapshotsSuccess:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Start(SaveSnapshotOf save)
    {
        _saving = save;
        SaveSnapshot(save.Bytes);
    }

    private void StartNext()
    {
        _saving = null;
        if (_next is { } next)
        {
            _next = null;
            Start(next);
        }
    }
}
