using System.Text;
using Akka.Actor;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.Commands;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static AkkaTcp.Tests.Keyspace.TestKeyspace;

namespace AkkaTcp.Tests.Keyspace;

/// <summary>A keyspace partition at actor level: batches, plain commands, failures, blocked clients.</summary>
public sealed class KeyspacePartitionTests(ITestOutputHelper output) : ServerSpec(output)
{
    private IActorRef Partition() => TestKeyspace.Start(Sys, 1, gated: false).Partitions[0];

    [Fact]
    public void A_batch_is_answered_by_one_message_with_its_replies_in_request_order_and_its_tag()
    {
        var partition = Partition();
        partition.Tell(new KeyspaceBatch(3,
        [
            Command("GET", "k"),
            Command("SET", "k", "v1"),
            new KeyCommand(-5, [Bytes("nonsense")]),
            Command("SET", "k", "v2", "GET"),
            Command("GET", "k"),
        ]));

        var results = ExpectMsg<KeyspaceResults>();
        Assert.Equal(3, results.Tag);
        Assert.Equal(["(nil)", "OK", "ERR unknown keyspace command -5", "v1", "v2"], results.Replies.Select(Text));
    }

    [Fact]
    public void A_plain_command_is_answered_by_its_reply_alone()
    {
        var partition = Partition();
        partition.Tell(Command("SET", "n", "41"));
        Assert.Equal("OK", Text(ExpectMsg<RespValue>()));
        partition.Tell(Command("INCR", "n"));
        Assert.Equal("42", Text(ExpectMsg<RespValue>()));
        partition.Tell(Command("SET", "n", "x", "NX"));
        Assert.Equal("(nil)", Text(ExpectMsg<RespValue>()));
    }

    [Fact]
    public void A_command_that_throws_gets_an_error_in_its_place_and_the_partition_keeps_its_keys()
    {
        var partition = Partition();
        partition.Tell(new KeyspaceBatch(9,
        [
            Command("SET", "kept", "v"),
            new KeyCommand(CommandTable.Named("GET").Index, [Bytes("GET"), null!]), // malformed: the dictionary throws on it
            Command("GET", "kept"),
        ]));

        var results = ExpectMsg<KeyspaceResults>();
        Assert.Equal(9, results.Tag);
        Assert.Equal(3, results.Replies.Length);
        Assert.Equal("OK", Text(results.Replies[0]));
        Assert.StartsWith("ERR internal error", Text(results.Replies[1]));
        Assert.Equal("v", Text(results.Replies[2]));

        partition.Tell(new KeyCommand(CommandTable.Named("DEL").Index, [Bytes("DEL"), null!])); // a plain command that throws is answered too
        Assert.StartsWith("ERR internal error", Text(ExpectMsg<RespValue>()));
        partition.Tell(Command("GET", "kept"));
        Assert.Equal("v", Text(ExpectMsg<RespValue>()));
    }

    [Fact]
    public void Describe_counts_keys_with_an_expiry_their_remaining_time_and_hits()
    {
        var partition = Partition();
        partition.Tell(new KeyspaceBatch(0,
        [
            Command("SET", "a", "1", "EX", "100"),
            Command("SET", "b", "2", "EX", "300"),
            Command("SET", "c", "3"),
            Command("GET", "c"),
            Command("GET", "missing"),
            Command("__DESCRIBE", ""),
        ]));
        var figures = ((ArrayValue)ExpectMsg<KeyspaceResults>().Replies[5]).Items.Select(item => ((IntegerValue)item).Value).ToArray();
        Assert.Equal((3, 2), (figures[0], figures[1]));
        Assert.InRange(figures[2], 390_000, 400_000);
        Assert.Equal((1, 1), (figures[3], figures[4]));
    }

    [Fact]
    public void A_blocked_client_is_served_first_come_first_served_and_a_value_not_kept_goes_back()
    {
        var partition = Partition();
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        partition.Tell(new WaitForList(1, [Bytes("q")], Left: true), first.Ref);
        first.ExpectMsg<WaitRegistered>();
        partition.Tell(new WaitForList(7, [Bytes("q")], Left: true), second.Ref);
        second.ExpectMsg<WaitRegistered>();

        partition.Tell(Command("RPUSH", "q", "a", "b"));
        Assert.Equal("2", Text(ExpectMsg<RespValue>())); // the length before anyone is served, as in Redis
        var served = first.ExpectMsg<WaitServed>();
        Assert.Equal(("q", "a", false), (Encoding.ASCII.GetString(served.Key), Encoding.ASCII.GetString(served.Value), served.First));
        Assert.Equal("b", Encoding.ASCII.GetString(second.ExpectMsg<WaitServed>().Value));

        partition.Tell(new WaitSettled(1, Keep: true), first.Ref);
        partition.Tell(new WaitSettled(7, Keep: false), second.Ref); // e.g. it timed out meanwhile
        partition.Tell(Command("LRANGE", "q", "0", "-1"));
        Assert.Equal("[b]", Text(ExpectMsg<RespValue>()));
    }

    [Fact]
    public void A_client_that_dies_is_dequeued_and_what_was_popped_for_it_goes_back()
    {
        var partition = Partition();
        var doomed = CreateTestProbe();
        var waiting = CreateTestProbe();
        partition.Tell(new WaitForList(1, [Bytes("q")], Left: true), doomed.Ref);
        doomed.ExpectMsg<WaitRegistered>();
        partition.Tell(Command("LPUSH", "q", "x"));
        ExpectMsg<RespValue>();
        doomed.ExpectMsg<WaitServed>(); // popped for it, never settled
        Sys.Stop(doomed.Ref);

        partition.Tell(new WaitForList(2, [Bytes("q")], Left: true), waiting.Ref);
        var served = waiting.FishForMessage<object>(message => message is WaitServed) as WaitServed;
        Assert.Equal("x", Encoding.ASCII.GetString(served!.Value));
    }

    [Fact]
    public void A_wait_on_a_key_of_another_type_fails_with_wrongtype()
    {
        var partition = Partition();
        partition.Tell(Command("SET", "s", "v"));
        ExpectMsg<RespValue>();
        partition.Tell(new WaitForList(3, [Bytes("s")], Left: true));
        Assert.Equal("WRONGTYPE Operation against a key holding the wrong kind of value", Text(ExpectMsg<WaitFailed>().Error));
    }

    [Fact]
    public void A_move_goes_partition_to_partition_and_back_when_the_destination_cannot_take_it()
    {
        var (_, partitions) = TestKeyspace.Start(Sys, 2, gated: false);
        static int P(string key) => ByteKeyComparer.Partition(Bytes(key), 2);
        var source = "src";
        var target = Enumerable.Range(0, 50).Select(i => $"dst{i}").First(key => P(key) != P(source));
        var sourcePartition = partitions[P(source)];
        var targetPartition = partitions[P(target)];
        string Ask(IActorRef partition, KeyCommand command)
        {
            partition.Tell(new KeyspaceBatch(7, [command]));
            var results = ExpectMsg<KeyspaceResults>(); // from whichever partition ended the move
            Assert.Equal(7, results.Tag);
            return Text(results.Replies.Single());
        }

        Ask(sourcePartition, Command("RPUSH", source, "a", "b"));
        Ask(targetPartition, Command("SET", target, "text"));
        // The destination holds a string: the value goes back to the end it came from.
        Assert.Equal("WRONGTYPE Operation against a key holding the wrong kind of value", Ask(sourcePartition, Command("__LMOVE", source, target, "LEFT", "RIGHT")));
        Assert.Equal("[a,b]", Ask(sourcePartition, Command("LRANGE", source, "0", "-1")));
        Ask(targetPartition, Command("DEL", target));
        Assert.Equal("a", Ask(sourcePartition, Command("__LMOVE", source, target, "LEFT", "RIGHT")));
        Assert.Equal("[a]", Ask(targetPartition, Command("LRANGE", target, "0", "-1")));

        // RENAMENX whose new name was taken meanwhile: the key goes back and the answer is 0.
        Ask(targetPartition, Command("SET", target, "taken"));
        Assert.Equal("0", Ask(sourcePartition, Command("__RENAME", source, target, "NX")));
        Assert.Equal("[b]", Ask(sourcePartition, Command("LRANGE", source, "0", "-1")));
        Assert.Equal("OK", Ask(sourcePartition, Command("__RENAME", source, target, "REPLACE")));
        Assert.Equal("[b]", Ask(targetPartition, Command("LRANGE", target, "0", "-1")));

        Ask(sourcePartition, Command("SADD", source, "m"));
        Ask(targetPartition, Command("SET", target, "text"));
        Assert.Equal("WRONGTYPE Operation against a key holding the wrong kind of value", Ask(sourcePartition, Command("__SMOVE", source, target, "m")));
        Assert.Equal("1", Ask(sourcePartition, Command("SISMEMBER", source, "m")));
    }
}
