using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.Cluster;
using AkkaTcp.Tests.Keyspace;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Cluster;

/// <summary>
/// The member's watcher of batches a shard region dropped during a hand-off: the connection that
/// sent one hears which partition it was for, once, however many resp servers started the watcher.
/// </summary>
public sealed class DroppedBatchesTests(ITestOutputHelper output) : ServerSpec(output)
{
    private static KeyspaceBatch Batch(int tag) => new(tag, [TestKeyspace.Command("INCR", "n")]);

    /// <summary>The watcher subscribes when it starts: publishes until it answers, then lets the answers to the retries pass.</summary>
    private void AwaitWatcher(Akka.TestKit.TestProbe sender)
    {
        AwaitAssert(() =>
        {
            Sys.EventStream.Publish(new Dropped(new ShardingEnvelope("0", Batch(0)), "hand-off", sender.Ref, ActorRefs.NoSender));
            sender.ExpectMsg<BatchDropped>(Dilated(TimeSpan.FromMilliseconds(200)));
        });
        sender.ReceiveWhile(Dilated(TimeSpan.FromMilliseconds(300)), m => m);
    }

    [Fact]
    public void A_dropped_batch_is_handed_back_to_its_sender_with_its_partition_once()
    {
        DroppedBatches.EnsureStarted(Sys);
        DroppedBatches.EnsureStarted(Sys); // a second resp server on the member
        var sender = CreateTestProbe();
        AwaitWatcher(sender);

        var batch = Batch(7);
        Sys.EventStream.Publish(new Dropped(new ShardingEnvelope("3", batch), "hand-off", sender.Ref, ActorRefs.NoSender));
        var dropped = sender.ExpectMsg<BatchDropped>();
        Assert.Equal(3, dropped.Partition);
        Assert.Same(batch, dropped.Batch);
        sender.ExpectNoMsg(Dilated(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public void Other_dropped_messages_and_batches_without_a_sender_are_ignored()
    {
        DroppedBatches.EnsureStarted(Sys);
        var sender = CreateTestProbe();
        AwaitWatcher(sender);

        Sys.EventStream.Publish(new Dropped(new ShardingEnvelope("1", new WaitCancelled(3)), "hand-off", sender.Ref, ActorRefs.NoSender));
        Sys.EventStream.Publish(new Dropped(Batch(4), "not in an envelope", sender.Ref, ActorRefs.NoSender));
        Sys.EventStream.Publish(new Dropped(new ShardingEnvelope("x", Batch(5)), "not a partition", sender.Ref, ActorRefs.NoSender));
        Sys.EventStream.Publish(new Dropped(new ShardingEnvelope("2", Batch(6)), "no sender", ActorRefs.NoSender, ActorRefs.NoSender));
        sender.ExpectNoMsg(Dilated(TimeSpan.FromMilliseconds(500)));
    }
}
