using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using AkkaTcp.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Runtime;

/// <summary>
/// The compact mailbox keeps messages in order under concurrent producers, reports what it holds,
/// survives a burst and hands what is left to dead letters; actors on it behave as on Akka's default.
/// </summary>
public sealed class CompactMailboxTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("""akka.actor.default-mailbox.mailbox-type = "AkkaTcp.Runtime.CompactMailbox, AkkaTcp" """), output: output)
{
    private static Envelope Message(int n) => new(n, ActorRefs.NoSender);

    [Fact]
    public void Messages_come_out_in_order_and_the_counts_follow()
    {
        var queue = new CompactMailbox.CompactQueue();
        Assert.False(queue.HasMessages);
        Assert.False(queue.TryDequeue(out _));
        for (var round = 0; round < 3; round++) // a burst far past the kept capacity, drained, then again
        {
            for (var i = 0; i < 1000; i++)
                queue.Enqueue(ActorRefs.Nobody, Message(i));
            Assert.Equal(1000, queue.Count);
            for (var i = 0; i < 1000; i++)
            {
                Assert.True(queue.TryDequeue(out var envelope));
                Assert.Equal(i, envelope.Message);
            }
            Assert.False(queue.HasMessages);
            Assert.False(queue.TryDequeue(out _));
        }
    }

    /// <summary>
    /// Every path between the lone slot, a small ring, a grown ring and back, in any interleaving of
    /// enqueues and dequeues, against .NET's Queue as the model.
    /// </summary>
    [Fact]
    public void Any_interleaving_of_enqueues_and_dequeues_matches_a_plain_queue()
    {
        var random = new Random(19);
        var queue = new CompactMailbox.CompactQueue();
        var model = new Queue<int>();
        var next = 0;
        for (var step = 0; step < 200_000; step++)
        {
            // Phases that mostly fill, then mostly drain, so the queue passes every size from 0 to about 40.
            var filling = step / 500 % 2 == 0;
            if (random.Next(100) < (filling ? 65 : 35))
            {
                queue.Enqueue(ActorRefs.Nobody, Message(next));
                model.Enqueue(next++);
            }
            else
            {
                var got = queue.TryDequeue(out var envelope);
                Assert.Equal(model.TryDequeue(out var expected), got);
                if (got)
                    Assert.Equal(expected, envelope.Message);
            }
            Assert.Equal(model.Count, queue.Count);
            Assert.Equal(model.Count > 0, queue.HasMessages);
        }
    }

    [Fact]
    public async Task Concurrent_producers_lose_nothing_and_keep_each_ones_order()
    {
        const int producers = 4, each = 20_000;
        var queue = new CompactMailbox.CompactQueue();
        var last = new int[producers];
        Array.Fill(last, -1);
        var received = 0;
        var writers = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < each; i++)
                queue.Enqueue(ActorRefs.Nobody, Message(p * each + i));
        })).ToArray();
        var reader = Task.Run(() =>
        {
            while (received < producers * each)
            {
                if (!queue.TryDequeue(out var envelope))
                    continue;
                var n = (int)envelope.Message;
                Assert.True(n % each > last[n / each], "a producer's messages came out of order");
                last[n / each] = n % each;
                received++;
            }
        });
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        await reader.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(last, l => Assert.Equal(each - 1, l));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void What_is_left_at_clean_up_goes_to_dead_letters()
    {
        var queue = new CompactMailbox.CompactQueue();
        queue.Enqueue(ActorRefs.Nobody, Message(1));
        queue.Enqueue(ActorRefs.Nobody, Message(2));
        var deadLetters = new UnboundedMessageQueue();
        queue.CleanUp(ActorRefs.Nobody, deadLetters);
        Assert.Equal(2, deadLetters.Count);
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public async Task Actors_on_it_are_served_as_on_the_default_mailbox()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        for (var i = 0; i < 100; i++)
            echo.Tell(i, TestActor);
        for (var i = 0; i < 100; i++)
            Assert.Equal(i, await ExpectMsgAsync<int>());
    }

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => ReceiveAny(message => Sender.Tell(message));
    }
}
