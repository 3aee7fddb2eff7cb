using Akka.Actor;
using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Cluster;

// Moving a partition's keys with its shard. When Cluster.Sharding hands a shard off (a node joins
// and the shard is rebalanced to it, or its node leaves), the partition gives everything it holds
// to its node's HandOffStore and stops; the partition's next incarnation, wherever Sharding starts
// it, asks every member's store for it before it answers anything (requests wait in its stash).

/// <summary>Sent by Sharding to a partition it hands off, instead of PoisonPill.</summary>
internal sealed class HandOffPartition
{
    public static readonly HandOffPartition Instance = new();
}

/// <summary>A partition's whole state, given to its node's store on hand-off.</summary>
internal sealed record HandedOff(int Partition, PartitionState State);

/// <summary>A starting partition asks a member's store for what its previous incarnation left there.</summary>
internal sealed record TakeHandedOff(int Partition) : IClusterMessage;

/// <summary>
/// A store's answer, in order: chunks of a partition's state (so no remoting frame is too large),
/// the last with <paramref name="Last"/> set; a store holding nothing answers one empty last chunk
/// with <paramref name="Held"/> unset (a partition handed off empty is held, and loads no snapshot).
/// </summary>
internal sealed record HandedOffChunk(int Partition, PartitionState State, bool Last, bool Held = true) : IClusterMessage;

/// <summary>Asks a member's store to start partitions through its node's region (they then collect their state).</summary>
internal sealed record WakePartitions(int[] Partitions) : IClusterMessage;

/// <summary>A message that only makes Sharding start a partition.</summary>
internal sealed class WakeUp : IClusterMessage
{
    public static readonly WakeUp Instance = new();
}

/// <summary>Part of a partition's state: keys with their values and expiries, and blocked clients in arrival order.</summary>
internal sealed record PartitionState(StoredKey[] Keys, ExportedWaiter[] Waiters, ExportedPop[] Unsettled)
{
    public static readonly PartitionState Empty = new([], [], []);

    public bool IsEmpty => Keys.Length == 0 && Waiters.Length == 0 && Unsettled.Length == 0;
}

/// <summary>One key: a string (byte[]), HashValue, ListValue or SetValue, and its expiry (Unix ms, 0 = none).</summary>
internal sealed record StoredKey(byte[] Key, object Value, long ExpiresAt);

/// <summary>A client blocked on lists of the partition.</summary>
internal sealed record ExportedWaiter(IActorRef Client, long WaitId, byte[][] Keys, bool Left);

/// <summary>A value popped for a client that has not settled it yet.</summary>
internal sealed record ExportedPop(IActorRef Client, long WaitId, byte[] Key, byte[] Value, bool Left);
