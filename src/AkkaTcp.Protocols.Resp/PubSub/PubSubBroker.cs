using Akka.Actor;
using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.PubSub;

/// <summary>
/// The channels and patterns of one resp server's subscribers on this node, and their delivery.
/// A PUBLISH is delivered here, answered with the number of receivers on this node (as Redis
/// Cluster counts), and in cluster mode passed to every other node's broker through the
/// DistributedPubSub topic all brokers subscribe to when they start — so a client's SUBSCRIBE
/// needs no cluster round: once confirmed, it receives what any node publishes. Subscribers are watched: a connection that
/// dies loses its subscriptions.
/// </summary>
internal sealed class PubSubBroker : UntypedActor
{
    private sealed class Subscriber
    {
        public readonly HashSet<byte[]> Channels = new(ByteKeyComparer.Instance);
        public readonly HashSet<byte[]> Patterns = new(ByteKeyComparer.Instance);
    }

    private readonly Dictionary<byte[], HashSet<IActorRef>> _channels = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], HashSet<IActorRef>> _patterns = new(ByteKeyComparer.Instance);
    private readonly Dictionary<IActorRef, Subscriber> _subscribers = [];
    private readonly PubSubCounts _counts;
    private readonly IPubSubCluster? _cluster;
    private readonly string _id = Guid.NewGuid().ToString("N");

    public PubSubBroker(PubSubCounts counts, IPubSubCluster? cluster)
    {
        _counts = counts;
        _cluster = cluster;
    }

    protected override void PreStart() => _cluster?.Join(Self);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Publish publish:
                var receivers = Deliver(publish.Channel, publish.Message);
                _cluster?.Publish(new ClusterPublish(_id, publish.Channel, publish.Message));
                Sender.Tell(new KeyspaceResults(publish.Tag, [RespValue.Integer(receivers)]));
                break;
            case ClusterPublish remote:
                if (remote.Origin != _id)
                    Deliver(remote.Channel, remote.Message);
                break;
            case Subscribe subscribe:
                OnSubscribe(Sender, subscribe);
                break;
            case Unsubscribe unsubscribe:
                OnUnsubscribe(Sender, unsubscribe.Names, unsubscribe.Patterns);
                break;
            case PubSubQuery query:
                Sender.Tell(new KeyspaceResults(query.Tag, [Answer(query.Args)]));
                break;
            case Terminated terminated when _subscribers.TryGetValue(terminated.ActorRef, out var gone):
                OnUnsubscribe(terminated.ActorRef, [.. gone.Channels], patterns: false);
                OnUnsubscribe(terminated.ActorRef, [.. gone.Patterns], patterns: true);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Sends the message to each subscriber of the channel and of each matching pattern; the number of deliveries.</summary>
    private int Deliver(byte[] channel, byte[] message)
    {
        var count = 0;
        if (_channels.TryGetValue(channel, out var direct))
        {
            var delivery = new Delivery(channel, message, null);
            foreach (var subscriber in direct)
                subscriber.Tell(delivery, ActorRefs.NoSender);
            count += direct.Count;
        }
        foreach (var (pattern, subscribers) in _patterns)
        {
            if (!GlobPattern.Matches(pattern, channel))
                continue;
            var delivery = new Delivery(channel, message, pattern);
            foreach (var subscriber in subscribers)
                subscriber.Tell(delivery, ActorRefs.NoSender);
            count += subscribers.Count;
        }
        return count;
    }

    private void OnSubscribe(IActorRef who, Subscribe subscribe)
    {
        if (!_subscribers.TryGetValue(who, out var subscriber))
        {
            _subscribers[who] = subscriber = new Subscriber();
            Context.Watch(who);
        }
        var mine = subscribe.Patterns ? subscriber.Patterns : subscriber.Channels;
        var all = subscribe.Patterns ? _patterns : _channels;
        foreach (var name in subscribe.Names)
        {
            if (!mine.Add(name))
                continue;
            if (!all.TryGetValue(name, out var subscribers))
                all[name] = subscribers = [];
            subscribers.Add(who);
        }
        _counts.Set(_channels.Count, _patterns.Count);
    }

    private void OnUnsubscribe(IActorRef who, byte[][] names, bool patterns)
    {
        if (!_subscribers.TryGetValue(who, out var subscriber))
            return;
        var mine = patterns ? subscriber.Patterns : subscriber.Channels;
        var all = patterns ? _patterns : _channels;
        foreach (var name in names)
        {
            if (!mine.Remove(name) || !all.TryGetValue(name, out var subscribers))
                continue;
            subscribers.Remove(who);
            if (subscribers.Count == 0)
                all.Remove(name);
        }
        if (subscriber.Channels.Count == 0 && subscriber.Patterns.Count == 0)
        {
            _subscribers.Remove(who);
            Context.Unwatch(who);
        }
        _counts.Set(_channels.Count, _patterns.Count);
    }

    /// <summary>PUBSUB's subcommands; the connection checked their names and arity.</summary>
    private RespValue Answer(byte[][] args)
    {
        if (Commands.Arg.Is(args[1], "NUMPAT"u8))
            return RespValue.Integer(_patterns.Count);
        if (Commands.Arg.Is(args[1], "NUMSUB"u8))
        {
            var items = new RespValue[(args.Length - 2) * 2];
            for (var i = 2; i < args.Length; i++)
            {
                items[(i - 2) * 2] = RespValue.Bulk(args[i]);
                items[(i - 2) * 2 + 1] = RespValue.Integer(_channels.TryGetValue(args[i], out var subscribers) ? subscribers.Count : 0);
            }
            return RespValue.Array(items);
        }
        var channels = new List<byte[]>();
        foreach (var channel in _channels.Keys)
        {
            if (args.Length < 3 || GlobPattern.Matches(args[2], channel))
                channels.Add(channel);
        }
        return RespValue.BulkArray(channels);
    }
}
