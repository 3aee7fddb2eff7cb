using AkkaTcp.Protocols.Resp.Cluster;

namespace AkkaTcp.Protocols.Resp.PubSub;

// The pub/sub protocol between connections and their node's broker. Channel names, patterns and
// messages are byte arrays (Redis's are binary-safe); a subscriber is the sender of its
// Subscribe. Replies to a connection's tagged requests come back as KeyspaceResults, so they share
// its deadline and reply-order machinery with keyspace requests.

/// <summary>The sender subscribes to <paramref name="Names"/>: channels, or glob patterns when <paramref name="Patterns"/>.</summary>
internal sealed record Subscribe(byte[][] Names, bool Patterns);

/// <summary>The sender unsubscribes from <paramref name="Names"/> (each one it had).</summary>
internal sealed record Unsubscribe(byte[][] Names, bool Patterns);

/// <summary>PUBLISH from a client of this node: delivered here and to every other node; answered with the local receivers.</summary>
internal sealed record Publish(int Tag, byte[] Channel, byte[] Message);

/// <summary>A PUBLISH made on another node, passed on by that node's broker through DistributedPubSub.</summary>
internal sealed record ClusterPublish(string Origin, byte[] Channel, byte[] Message) : IClusterMessage;

/// <summary>PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT, answered from this node's subscriptions.</summary>
internal sealed record PubSubQuery(int Tag, byte[][] Args);

/// <summary>
/// A published message for a subscriber: sent as ["message", channel, message], or as
/// ["pmessage", pattern, channel, message] when it matched <paramref name="Pattern"/>.
/// </summary>
internal sealed record Delivery(byte[] Channel, byte[] Message, byte[]? Pattern);
