using Akka.Actor;
using Akka.Event;
using Akka.Serialization;
using AkkaTcp.Protocols.Resp.Cluster;

namespace AkkaTcp.Keyspace;

// A sharded partition's snapshots (resp.snapshot-interval; see PartitionSnapshots). Every interval,
// when a write ran since the last snapshot saved, the partition serializes its live keys here, on
// its own thread (its values are mutable), and its child saves the bytes. A write is a command
// with Redis's write flag that did not fail, a blocking pop's step, or keys arriving from a hand-off.
internal sealed partial class KeyspacePartition
{
    private IActorRef? _snapshots;
    private bool _loading;
    private byte[]? _loadedSnapshot;
    private long _changes;
    private long _savedChanges;
    private bool _saving;

    private PartitionDurability? Durability => _handOffs?.Durability;

    /// <summary>Starts the snapshots child, which loads the last snapshot first: the partition waits for it before it serves.</summary>
    private void StartSnapshots()
    {
        _loading = true;
        var persistenceId = Durability!.PersistenceId(_index);
        _snapshots = Context.ActorOf(Props.Create(() => new PartitionSnapshots(persistenceId)), "snapshots");
    }

    private void OnSnapshotLoaded(SnapshotLoaded loaded)
    {
        if (!_loading)
            return; // the child restarted after a failure: the keys being served are newer
        _loading = false;
        _loadedSnapshot = loaded.Bytes;
    }

    private void ImportSnapshot()
    {
        if (_loadedSnapshot is not { } bytes)
            return;
        PartitionSnapshot snapshot;
        try
        {
            snapshot = (PartitionSnapshot)Serializer.FromBinary(bytes, KeyspaceSerializer.SnapshotManifest);
        }
        catch (Exception e) when (e is System.Runtime.Serialization.SerializationException or InvalidCastException or ArgumentException)
        {
            _log.Error(e, "Keyspace partition {Partition}: its snapshot ({Bytes} bytes) is damaged; starting without it", _index, bytes.Length);
            return;
        }
        if (snapshot.Partitions != _partitions.Count)
        {
            _log.Error("Keyspace partition {Partition}: its snapshot was made with {Then} partitions and the keyspace now has {Now}, so its keys belong to other partitions; starting without it",
                _index, snapshot.Partitions, _partitions.Count);
            return;
        }
        Import(new PartitionState(snapshot.Keys, [], []));
        _savedChanges = _changes; // what it holds is what is saved
        _log.Info("Keyspace partition {Partition} started from its snapshot with {Keys} keys", _index, snapshot.Keys.Length);
    }

    private void SaveIfChanged()
    {
        if (_snapshots is null || _saving || _changes == _savedChanges)
            return;
        var bytes = Serializer.ToBinary(new PartitionSnapshot(_index, _partitions.Count, LiveKeys()));
        _saving = true;
        _snapshots.Tell(new SaveSnapshotOf(bytes, _changes));
    }

    private void OnSnapshotSaved(SnapshotSaved saved)
    {
        _saving = false;
        _savedChanges = saved.Changes;
        Durability!.Stats.Saved();
    }

    private void OnSnapshotFailed()
    {
        _saving = false;
        Durability!.Stats.Failed();
    }

    private SerializerWithStringManifest Serializer =>
        (SerializerWithStringManifest)Context.System.Serialization.FindSerializerForType(typeof(PartitionSnapshot));
}
