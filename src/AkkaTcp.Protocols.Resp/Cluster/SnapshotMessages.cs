using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Cluster;

// A sharded partition's snapshots (resp.snapshot-interval): the partition serializes its keys on
// its own thread (its values are mutable) and hands the bytes to its PartitionSnapshots child,
// which keeps them in Akka.Persistence's snapshot store.

/// <summary>
/// A partition's keys as saved, and how many partitions the keyspace had then: a key's partition
/// depends on that count, so a snapshot made with another one holds keys this partition does not own.
/// </summary>
internal sealed record PartitionSnapshot(int Partition, int Partitions, StoredKey[] Keys) : IClusterMessage;

/// <summary>To the snapshots child: save these bytes (a serialized <see cref="PartitionSnapshot"/>).</summary>
internal sealed record SaveSnapshotOf(byte[] Bytes, long Changes);

/// <summary>From the snapshots child once it has recovered: the latest snapshot's bytes, or null when there is none.</summary>
internal sealed record SnapshotLoaded(byte[]? Bytes);

/// <summary>From the snapshots child: the snapshot taken at <paramref name="Changes"/> writes is stored.</summary>
internal sealed record SnapshotSaved(long Changes);

/// <summary>From the snapshots child: a save failed (logged there); the next tick tries again.</summary>
internal sealed class SnapshotFailed
{
    public static readonly SnapshotFailed Instance = new();
}

/// <summary>A partition's periodic reminder to save a snapshot if its keys changed.</summary>
internal sealed class SnapshotTick
{
    public static readonly SnapshotTick Instance = new();
}
