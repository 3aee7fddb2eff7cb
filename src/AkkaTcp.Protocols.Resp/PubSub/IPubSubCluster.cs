using Akka.Actor;

namespace AkkaTcp.Protocols.Resp.PubSub;

/// <summary>How a node's broker reaches the brokers of the other nodes (DistributedPubSub in cluster mode).</summary>
internal interface IPubSubCluster
{
    /// <summary>Subscribes <paramref name="broker"/> to the messages published on other nodes.</summary>
    void Join(IActorRef broker);

    /// <summary>Sends a message published here to every other node's broker.</summary>
    void Publish(ClusterPublish message);
}
