using Akka.Actor;
using Akka.Event;

namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>
/// One node's keeper of the partitions Sharding handed off from it, until their next incarnations
/// collect them. A partition left here is woken at once through the sharding region of a node that
/// stays up (this one when it is not leaving), so its keys move without waiting for a client to
/// ask for one. Answers in chunks of about <see cref="ChunkBytes"/>, under Akka.Remote's frame size.
/// </summary>
internal sealed class HandOffStore(ShardedKeyspace keyspace, string storeName) : UntypedActor
{
    public const int ChunkBytes = 256 * 1024;

    private readonly Dictionary<int, PartitionState> _held = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Asked by CoordinatedShutdown: answers <see cref="Empty"/> once every partition left here was collected.</summary>
    public sealed class WhenEmpty
    {
        public static readonly WhenEmpty Instance = new();
    }

    public sealed class Empty
    {
        public static readonly Empty Instance = new();
    }

    private readonly List<IActorRef> _waitingForEmpty = [];

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case HandedOff handedOff:
                _held[handedOff.Partition] = _held.TryGetValue(handedOff.Partition, out var earlier)
                    ? new PartitionState([.. earlier.Keys, .. handedOff.State.Keys], [.. earlier.Waiters, .. handedOff.State.Waiters], [.. earlier.Unsettled, .. handedOff.State.Unsettled])
                    : handedOff.State;
                Wake(handedOff.Partition);
                break;
            case TakeHandedOff take:
                Give(take.Partition, Sender);
                break;
            case WakePartitions wake:
                foreach (var partition in wake.Partitions)
                    keyspace.Tell(partition, WakeUp.Instance, ActorRefs.Nobody);
                break;
            case WhenEmpty:
                if (_held.Count == 0)
                    Sender.Tell(Empty.Instance);
                else
                    _waitingForEmpty.Add(Sender);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Wake(int partition)
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        if (cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up)
        {
            keyspace.Tell(partition, WakeUp.Instance, ActorRefs.Nobody);
            return;
        }
        // Leaving: ask a member that stays to start it (it then collects from here before this node exits).
        var other = cluster.State.Members.FirstOrDefault(m => m.Status == Akka.Cluster.MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress) && !cluster.State.Unreachable.Contains(m));
        if (other is null)
        {
            _log.Warning("Keyspace partition {Partition} was handed off but no other member is up to take it; its keys go when this node stops", partition);
            return;
        }
        Context.ActorSelection(PartitionHandOffs.StorePath(other.Address, storeName)).Tell(new WakePartitions([partition]));
    }

    private void Give(int partition, IActorRef to)
    {
        if (!_held.Remove(partition, out var state))
        {
            to.Tell(new HandedOffChunk(partition, PartitionState.Empty, Last: true, Held: false));
            return;
        }
        var keys = new List<StoredKey>();
        long bytes = 0;
        foreach (var key in state.Keys)
        {
            keys.Add(key);
            bytes += key.Key.Length + Size(key.Value);
            if (bytes >= ChunkBytes)
            {
                to.Tell(new HandedOffChunk(partition, new PartitionState([.. keys], [], []), Last: false));
                keys.Clear();
                bytes = 0;
            }
        }
        to.Tell(new HandedOffChunk(partition, new PartitionState([.. keys], state.Waiters, state.Unsettled), Last: true));
        _log.Info("Keyspace partition {Partition}: {Keys} keys handed to {Node}", partition, state.Keys.Length, to.Path.Address);
        if (_held.Count == 0)
        {
            foreach (var waiting in _waitingForEmpty)
                waiting.Tell(Empty.Instance);
            _waitingForEmpty.Clear();
        }
    }

    private static long Size(object value) => value switch
    {
        byte[] text => text.Length,
        Keyspace.ListValue list => list.Bytes + list.Count * 4L,
        Keyspace.HashValue hash => hash.Fields.Bytes + hash.Fields.Count * 8L,
        Keyspace.SetValue set => set.Members.Bytes + set.Members.Count * 4L,
        _ => 0,
    };
}
