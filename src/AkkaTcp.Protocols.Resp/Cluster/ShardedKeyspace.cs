using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>
/// The keyspace's partitions as Cluster.Sharding entities, one per shard, spread over the cluster:
/// a message for partition p goes through this node's region to wherever p lives now, and waits in
/// the regions while p is being handed off. Every node maps keys to partitions by the same hash.
/// </summary>
internal sealed class ShardedKeyspace(int count) : IKeyspace
{
    private readonly string[] _ids = [.. Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>This node's region, set once Sharding has started it (before any connection exists).</summary>
    public IActorRef Region { get; set; } = ActorRefs.Nobody;

    public int Count => count;

    public void Tell(int partition, object message, IActorRef sender) => Region.Tell(new ShardingEnvelope(_ids[partition], message), sender);

    /// <summary>A partition may be on another member or moving: always by message.</summary>
    public RespValue[]? TryRun(int partition, KeyCommand[] requests) => null;

    public RespValue? TryRun(int partition, int command, byte[][] args, bool noTouch, ref long clock) => null;

    /// <summary>
    /// A partition is its own shard: Sharding's hand-off moves partitions, and keys move with them.
    /// Every message comes in a <see cref="ShardingEnvelope"/>, which the region unwraps itself,
    /// asking only for the shard of an entity.
    /// </summary>
    public sealed class Extractor : IMessageExtractor
    {
        public string? EntityId(object message) => null;

        public object? EntityMessage(object message) => message;

        public string? ShardId(object message) => null;

        public string ShardId(string entityId, object? messageHint = null) => entityId;
    }
}
