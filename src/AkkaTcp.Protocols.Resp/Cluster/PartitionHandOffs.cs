using Akka.Actor;

namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>
/// What a sharded partition needs to move with its shard: its node's <see cref="HandOffStore"/>,
/// and every member's, found by the same top-level name on each node; and, with snapshots on
/// (<paramref name="durability"/>), what it needs to outlive its member.
/// </summary>
internal sealed class PartitionHandOffs(string storeName, IActorRef localStore, TimeSpan collectTimeout, PartitionDurability? durability)
{
    /// <summary>Null when resp.snapshot-interval is off.</summary>
    public PartitionDurability? Durability { get; } = durability;

    public IActorRef LocalStore { get; } = localStore;

    /// <summary>How long a starting partition waits for members' stores to answer before it starts without theirs.</summary>
    public TimeSpan CollectTimeout { get; } = collectTimeout;

    /// <summary>The stores of the members that may hold a partition's keys: every member not removed, downed or unreachable.</summary>
    public IEnumerable<ActorSelection> Stores(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        foreach (var member in state.Members)
        {
            if (member.Status is Akka.Cluster.MemberStatus.Down or Akka.Cluster.MemberStatus.Removed || state.Unreachable.Contains(member))
                continue;
            yield return system.ActorSelection(StorePath(member.Address, storeName));
        }
    }

    /// <summary>Where a member's store is: a top-level actor named the same on every member.</summary>
    public static ActorPath StorePath(Address member, string storeName) => new RootActorPath(member) / "user" / storeName;

    public static string StoreName(string serverName) => "resp-handoffs-" + serverName;
}
