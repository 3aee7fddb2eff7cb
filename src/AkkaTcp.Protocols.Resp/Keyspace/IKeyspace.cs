using Akka.Actor;

namespace AkkaTcp.Keyspace;

/// <summary>
/// Where a server's keyspace partitions are: actors of this node (<see cref="LocalKeyspace"/>, the
/// default) or entities of Cluster.Sharding spread over a cluster (<see cref="Protocols.Resp.Cluster.ShardedKeyspace"/>).
/// Connections and partitions reach a partition only through this, by its number.
/// </summary>
internal interface IKeyspace
{
    /// <summary>How many partitions there are; a key's is <see cref="ByteKeyComparer.Partition"/> of it.</summary>
    int Count { get; }

    void Tell(int partition, object message, IActorRef sender);

    /// <summary>Runs a batch in the partition on the caller's thread and answers its replies, or null when it must be sent.</summary>
    RespValue[]? TryRun(int partition, KeyCommand[] requests);

    /// <summary>One client command, as <see cref="PartitionGate.TryRun(int, byte[][], bool, ref long)"/>.</summary>
    RespValue? TryRun(int partition, int command, byte[][] args, bool noTouch, ref long clock);
}

/// <summary>Partitions that are children of the server's supervisor on this node, each behind its <see cref="PartitionGate"/>.</summary>
internal sealed class LocalKeyspace(IActorRef[] partitions, PartitionGate[] gates) : IKeyspace
{
    public int Count => partitions.Length;

    public void Tell(int partition, object message, IActorRef sender)
    {
        if (message is IPartitionRequest)
            gates[partition].Sent();
        partitions[partition].Tell(message, sender);
    }

    public RespValue[]? TryRun(int partition, KeyCommand[] requests) => gates[partition].TryRun(requests);

    public RespValue? TryRun(int partition, int command, byte[][] args, bool noTouch, ref long clock) =>
        gates[partition].TryRun(command, args, noTouch, ref clock);
}
