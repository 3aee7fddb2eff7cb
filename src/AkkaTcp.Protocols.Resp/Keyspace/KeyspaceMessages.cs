using AkkaTcp.Protocols.Resp.Cluster;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Keyspace;

// The partition protocol. Messages carry keys and values as byte arrays and nothing about
// connections (a reply goes to the message's sender), so partitions can later be spread over a
// cluster (Cluster.Sharding) as they are. Times are Unix milliseconds (wall clock), meaningful on
// any node. A command is named by its place in the command table, which every node shares.

/// <summary>
/// A message a connection (or a partition) sends to a partition through <see cref="IKeyspace.Tell"/>:
/// a local partition's <see cref="PartitionGate"/> counts these in and out.
/// </summary>
internal interface IPartitionRequest : IClusterMessage;

/// <summary>
/// One command for a partition: <see cref="CommandTable.All"/>[<paramref name="Command"/>] run with
/// <paramref name="Args"/> (args[0] its name); <paramref name="Payload"/> is a value moved between
/// partitions (RENAME, COPY); <paramref name="NoTouch"/> is CLIENT NO-TOUCH. <paramref name="Part"/>:
/// a part or step of a client's command that the connection counts itself (INFO commandstats
/// counts the client's command once, not its parts).
/// </summary>
internal sealed record KeyCommand(int Command, byte[][] Args, object? Payload = null, bool NoTouch = false, bool Part = false) : IPartitionRequest;

/// <summary>
/// Commands handled in order and answered with one <see cref="KeyspaceResults"/> holding their
/// replies (<see cref="RespValue"/>) in the same order, and the same <paramref name="Tag"/> (the
/// asker's own mark): a connection asks many things at once by plain messages, with no Ask and no
/// id per request.
/// </summary>
internal sealed record KeyspaceBatch(int Tag, KeyCommand[] Requests) : IPartitionRequest;

internal sealed record KeyspaceResults(int Tag, RespValue[] Replies) : IClusterMessage;

/// <summary>
/// A shard region dropped <paramref name="Batch"/> before <paramref name="Partition"/> saw it (see
/// <see cref="Protocols.Resp.Cluster.DroppedBatches"/>): its sender may send it again.
/// </summary>
internal sealed record BatchDropped(int Partition, KeyspaceBatch Batch) : IClusterMessage;

// Blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH). The connection asks each partition holding
// some of the keys; a partition pops at once if it can, else queues the client on those keys,
// first come first served, and pops for it when a push arrives. A value popped for a client is
// kept by the partition until the client settles it: kept, or given back (another partition
// served the client first, or it timed out) — and given back too if the client's actor dies.

/// <summary>Pop from the first non-empty of <paramref name="Keys"/> (this partition's, in request order), or wait for a push.</summary>
internal sealed record WaitForList(long WaitId, byte[][] Keys, bool Left) : IPartitionRequest;

/// <summary>Nothing to pop yet: the client waits on its keys here.</summary>
internal sealed record WaitRegistered(long WaitId) : IClusterMessage;

/// <summary>
/// A value popped for the client from <paramref name="Key"/>; the partition awaits <see cref="WaitSettled"/>.
/// <paramref name="First"/>: this is the partition's first answer (popped at once, not after a wait).
/// </summary>
internal sealed record WaitServed(long WaitId, byte[] Key, byte[] Value, bool First) : IClusterMessage;

/// <summary><paramref name="Key"/> holds another type (WRONGTYPE): the client is not queued.</summary>
internal sealed record WaitFailed(long WaitId, byte[] Key, RespValue Error) : IClusterMessage;

/// <summary>The client keeps the value served to it, or gives it back to the end it came from.</summary>
internal sealed record WaitSettled(long WaitId, bool Keep) : IPartitionRequest;

/// <summary>The client stops waiting (served elsewhere, timed out, closed, draining).</summary>
internal sealed record WaitCancelled(long WaitId) : IPartitionRequest;
