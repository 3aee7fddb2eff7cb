using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using ClusterPublish = AkkaTcp.Protocols.Resp.PubSub.ClusterPublish;
using IPubSubCluster = AkkaTcp.Protocols.Resp.PubSub.IPubSubCluster;

namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>
/// Cluster pub/sub through DistributedPubSub: every node's broker subscribes once, when it starts,
/// to one topic per server; a PUBLISH goes to that topic and each other broker delivers it to its
/// own subscribers. Channels are matched by the brokers, so no per-channel registry is gossiped.
/// </summary>
internal sealed class DistributedPubSubCluster(ActorSystem system, string serverName) : IPubSubCluster
{
    private readonly IActorRef _mediator = DistributedPubSub.Get(system).Mediator;
    private readonly string _topic = "resp-pubsub-" + serverName;

    public void Join(IActorRef broker) => _mediator.Tell(new Subscribe(_topic, broker));

    public void Publish(ClusterPublish message) => _mediator.Tell(new Publish(_topic, message));
}
