using Akka.Actor;
using Akka.Event;
using AkkaTcp.Protocols.Resp.Cluster;

namespace AkkaTcp.Keyspace;

// A sharded partition's moves (see HandOffMessages): it starts by collecting what its previous
// incarnation left on any member, answering nothing meanwhile (requests wait in the stash, within
// their deadlines), and when Sharding hands it off it leaves everything it holds with its node's
// store and stops. With snapshots on, it also loads its last snapshot while it collects, and
// starts from it when no member held its keys (its member died, or the cluster started anew).
internal sealed partial class KeyspacePartition : IWithUnboundedStash
{
    private readonly PartitionHandOffs? _handOffs;
    private int _storesToHear;
    private bool _heldSomewhere;

    public IStash Stash { get; set; } = null!;

    private sealed class CollectTimeout
    {
        public static readonly CollectTimeout Instance = new();
    }

    private void StartCollecting(PartitionHandOffs handOffs)
    {
        foreach (var store in handOffs.Stores(Context.System))
        {
            store.Tell(new TakeHandedOff(_index), Self);
            _storesToHear++;
        }
        if (_storesToHear > 0)
            Timers.StartSingleTimer(CollectTimeout.Instance, CollectTimeout.Instance, handOffs.CollectTimeout);
        if (_storesToHear > 0 || _loading)
            BecomeStacked(Collecting);
    }

    private void Collecting(object message)
    {
        switch (message)
        {
            case HandedOffChunk chunk when chunk.Partition == _index:
                _heldSomewhere |= chunk.Held;
                Import(chunk.State);
                if (chunk.Last && --_storesToHear == 0)
                    DoneCollecting();
                break;
            case CollectTimeout when _storesToHear == 0:
                break; // every store answered; the snapshot is still loading
            case CollectTimeout:
                _log.Warning("Keyspace partition {Partition}: {Stores} member(s) did not answer within {Timeout} whether they hold its keys; starting without theirs",
                    _index, _storesToHear, _handOffs!.CollectTimeout);
                _storesToHear = 0;
                DoneCollecting();
                break;
            case SnapshotLoaded loaded:
                OnSnapshotLoaded(loaded);
                DoneCollecting();
                break;
            case WakeUp or SnapshotTick:
                break;
            default:
                Stash.Stash();
                break;
        }
    }

    /// <summary>Starts serving once every store has answered (or the wait timed out) and the snapshot, if any, is loaded.</summary>
    private void DoneCollecting()
    {
        if (_storesToHear > 0 || _loading)
            return;
        Timers.Cancel(CollectTimeout.Instance);
        if (!_heldSomewhere)
            ImportSnapshot();
        _loadedSnapshot = null;
        _size.Set(_index, _store.Keys.Count);
        UnbecomeStacked();
        Stash.UnstashAll();
    }

    private void Import(PartitionState state)
    {
        foreach (var key in state.Keys)
            _store.Place(key.Key, key.Value, key.ExpiresAt);
        _waiters.Import(state.Waiters, state.Unsettled);
        _changes += state.Keys.Length;
        _store.ListsPushed.Clear(); // a client waits only on lists that were empty where it came from
    }

    /// <summary>The keys not yet expired, with their values as they are (not copied).</summary>
    private StoredKey[] LiveKeys()
    {
        var keys = new List<StoredKey>(_store.Keys.Count);
        var now = KeyspaceStore.Now;
        foreach (var (key, entry) in _store.Keys.Pairs())
        {
            if (entry.ExpiresAt == 0 || entry.ExpiresAt > now)
                keys.Add(new StoredKey(key, entry.Value, entry.ExpiresAt));
        }
        return [.. keys];
    }

    /// <summary>Sharding moves this partition elsewhere: everything it holds goes to its node's store, then it stops.</summary>
    private void HandOff()
    {
        var keys = LiveKeys();
        var (waiters, unsettled) = _waiters.Export();
        _handOffs!.LocalStore.Tell(new HandedOff(_index, new PartitionState(keys, waiters, unsettled)));
        _log.Info("Keyspace partition {Partition} handed off with {Keys} keys and {Waiters} blocked clients", _index, keys.Length, waiters.Length);
        _store.Flush();
        _size.Set(_index, 0);
        Context.Stop(Self);
    }
}
