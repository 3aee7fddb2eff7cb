using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>
/// A shard region drops the messages it buffered for a shard when that shard is handed off, so
/// that they cannot overtake the ones already sent to the shard's old home. Those messages are
/// published as <see cref="Dropped"/>. One watcher per member hears them. For each dropped
/// <see cref="KeyspaceBatch"/> it tells the connection that sent it (on any member) which
/// partition it was meant for. The connection then sends it again within its deadline: nothing in
/// it ran, so running it once more cannot apply anything twice.
/// </summary>
internal sealed class DroppedBatches : IExtension
{
    public DroppedBatches(ExtendedActorSystem system) =>
        system.SystemActorOf(Props.Create<Watcher>(), "resp-dropped-batches");

    /// <summary>Starts the member's watcher once, however many resp servers the member runs.</summary>
    public static void EnsureStarted(ActorSystem system) => system.WithExtension<DroppedBatches, Id>();

    private sealed class Id : ExtensionIdProvider<DroppedBatches>
    {
        public override DroppedBatches CreateExtension(ExtendedActorSystem system) => new(system);
    }

    private sealed class Watcher : UntypedActor
    {
        protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(Dropped));

        protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

        protected override void OnReceive(object message)
        {
            if (message is Dropped { Message: ShardingEnvelope { Message: KeyspaceBatch batch } envelope, Sender: { } sender }
                && !sender.IsNobody() && int.TryParse(envelope.EntityId, System.Globalization.CultureInfo.InvariantCulture, out var partition))
                sender.Tell(new BatchDropped(partition, batch));
        }
    }
}
