using Akka.Actor;
using AkkaTcp.Keyspace;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static AkkaTcp.Tests.Keyspace.TestKeyspace;

namespace AkkaTcp.Tests.Keyspace;

/// <summary>
/// A local partition's gate: a connection runs a batch in the partition on its own thread only
/// when that cannot overtake anything sent to the partition, never waits for a busy gate, and
/// never holds two gates.
/// </summary>
public sealed class PartitionGateTests(ITestOutputHelper output) : ServerSpec(output)
{
    private static string? Text(RespValue[]? replies) => replies is null ? null : string.Join(",", replies.Select(TestKeyspace.Text));

    private (LocalKeyspace Keyspace, IActorRef[] Partitions) Keyspace(int count) => TestKeyspace.Start(Sys, count, gated: true);

    private void AwaitOpen(LocalKeyspace keyspace, int partition) =>
        AwaitAssert(() => Assert.NotNull(keyspace.TryRun(partition, [Command("PING")])));

    [Fact]
    public void A_batch_runs_in_the_partition_and_sees_what_was_sent_before_it_or_is_sent_behind_it()
    {
        var (keyspace, _) = Keyspace(1);
        AwaitOpen(keyspace, 0);
        var ran = 0;
        for (var i = 0; i < 500; i++)
        {
            var value = i.ToString();
            keyspace.Tell(0, new KeyspaceBatch(i, [Command("SET", "k", value)]), TestActor);
            // Either the SET has run (the GET sees it) or it still waits in the mailbox and the
            // GET must be sent behind it: never the value before it.
            var replies = i % 2 == 0 ? keyspace.TryRun(0, [Command("GET", "k")])
                : One(keyspace, 0, Command("GET", "k")) is { } reply ? [reply] : null;
            if (replies is not null)
            {
                Assert.Equal(value, Text(replies));
                ran++;
            }
            Assert.Equal(i, ExpectMsg<KeyspaceResults>().Tag);
        }
        AwaitAssert(() => Assert.Equal("499", Text(keyspace.TryRun(0, [Command("GET", "k")]))));
        Output.WriteLine($"{ran} of 500 GETs ran at once");
    }

    [Fact]
    public async Task A_busy_gate_is_not_waited_for()
    {
        var gate = new PartitionGate();
        gate.Open(requests => [RespValue.Ok], Ok);
        Assert.Equal("OK", Text(gate.TryRun([Command("PING")])));
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = Task.Run(() =>
        {
            using (gate.Enter())
            {
                entered.Set();
                release.Wait(Within());
            }
        });
        entered.Wait(Within());
        Assert.Null(gate.TryRun([Command("PING")]));
        Assert.Null(One(gate, Command("PING")));
        release.Set();
        await holder.WaitAsync(Within());
        Assert.Equal("OK", Text(gate.TryRun([Command("PING")])));
    }

    [Fact]
    public void A_thread_in_a_gate_runs_nothing_in_another_nor_in_the_same_one_again()
    {
        var outer = new PartitionGate();
        var inner = new PartitionGate();
        RespValue[]? nested = [RespValue.Ok];
        RespValue? nestedOne = RespValue.Ok;
        outer.Open(requests =>
        {
            nested = inner.TryRun(requests);
            nestedOne = One(inner, requests[0]);
            return [RespValue.Ok];
        }, Ok);
        inner.Open(requests => [RespValue.Ok], Ok);
        Assert.Equal("OK", Text(outer.TryRun([Command("PING")])));
        Assert.Null(nested);
        Assert.Null(nestedOne);
        using (outer.Enter())
        {
            Assert.Null(outer.TryRun([Command("PING")]));
            Assert.Null(One(outer, Command("PING")));
        }
        Assert.Equal("OK", Text(inner.TryRun([Command("PING")])));
    }

    [Fact]
    public void A_gate_with_a_message_on_its_way_or_a_stopped_partition_runs_nothing()
    {
        var (keyspace, partitions) = Keyspace(1);
        AwaitOpen(keyspace, 0);
        var gate = new PartitionGate();
        gate.Open(requests => [RespValue.Ok], Ok);
        gate.Sent();
        Assert.Null(gate.TryRun([Command("PING")]));
        Assert.Null(One(gate, Command("PING")));
        gate.Taken();
        Assert.Equal("OK", Text(gate.TryRun([Command("PING")])));
        Assert.Same(RespValue.Ok, One(gate, Command("PING")));

        Watch(partitions[0]);
        Sys.Stop(partitions[0]);
        ExpectTerminated(partitions[0]);
        Assert.Null(keyspace.TryRun(0, [Command("PING")]));
        Assert.Null(One(keyspace, 0, Command("PING")));
    }

    private static RespValue Ok(int command, byte[][] args, bool noTouch, ref long clock) => RespValue.Ok;

    private static RespValue? One(PartitionGate gate, KeyCommand request)
    {
        var clock = 0L;
        return gate.TryRun(request.Command, request.Args, request.NoTouch, ref clock);
    }

    private static RespValue? One(IKeyspace keyspace, int partition, KeyCommand request)
    {
        var clock = 0L;
        return keyspace.TryRun(partition, request.Command, request.Args, request.NoTouch, ref clock);
    }
}
