using System.Text;
using Akka.Actor;
using AkkaTcp.Keyspace;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Keyspace;

/// <summary>A keyspace partition at actor level: batches, plain requests, values set again.</summary>
public sealed class KeyspacePartitionTests(ITestOutputHelper output) : ServerSpec(output)
{
    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    [Fact]
    public void A_batch_is_answered_by_one_message_with_its_replies_in_request_order_and_its_tag()
    {
        var partition = Sys.ActorOf(Props.Create<KeyspacePartition>(new KeyspaceSize(1), 0));
        partition.Tell(new KeyspaceBatch(3,
        [
            new GetValue(Bytes("k")),
            new SetValue(Bytes("k"), Bytes("v1"), SetCondition.Always, 0, ReturnOld: false),
            "not a keyspace request",
            new SetValue(Bytes("k"), Bytes("v2"), SetCondition.Always, 0, ReturnOld: true),
            new GetValue(Bytes("k")),
        ]));

        var results = ExpectMsg<KeyspaceResults>();
        Assert.Equal(3, results.Tag);
        Assert.Equal(5, results.Replies.Length);
        Assert.Null(((ValueReply)results.Replies[0]).Value);
        Assert.True(((SetReply)results.Replies[1]).Written);
        Assert.StartsWith("ERR unknown keyspace request", ((ErrorReply)results.Replies[2]).Message);
        Assert.Equal("v1", Encoding.ASCII.GetString(((SetReply)results.Replies[3]).Old!)); // the value before this SET, not after
        Assert.Equal("v2", Encoding.ASCII.GetString(((ValueReply)results.Replies[4]).Value!));
    }

    [Fact]
    public void A_plain_request_is_answered_by_its_reply_alone()
    {
        var partition = Sys.ActorOf(Props.Create<KeyspacePartition>(new KeyspaceSize(1), 0));
        partition.Tell(new SetValue(Bytes("n"), Bytes("41"), SetCondition.Always, 0, ReturnOld: false));
        Assert.True(ExpectMsg<SetReply>().Written);
        partition.Tell(new IncrementBy(Bytes("n"), 1));
        Assert.Equal(42, ExpectMsg<CountReply>().Count);
        partition.Tell(new SetValue(Bytes("n"), Bytes("x"), SetCondition.IfMissing, 0, ReturnOld: false));
        Assert.False(ExpectMsg<SetReply>().Written);
    }

    [Fact]
    public void A_request_that_throws_gets_an_error_in_its_place_and_the_partition_keeps_its_keys()
    {
        var partition = Sys.ActorOf(Props.Create<KeyspacePartition>(new KeyspaceSize(1), 0));
        partition.Tell(new KeyspaceBatch(9,
        [
            new SetValue(Bytes("kept"), Bytes("v"), SetCondition.Always, 0, ReturnOld: false),
            new GetValue(null!), // a malformed request: the partition's dictionary throws on it
            new GetValue(Bytes("kept")),
        ]));

        var results = ExpectMsg<KeyspaceResults>();
        Assert.Equal(9, results.Tag);
        Assert.Equal(3, results.Replies.Length);
        Assert.True(((SetReply)results.Replies[0]).Written);
        Assert.StartsWith("ERR internal error", ((ErrorReply)results.Replies[1]).Message);
        Assert.Equal("v", Encoding.ASCII.GetString(((ValueReply)results.Replies[2]).Value!));

        partition.Tell(new DeleteKey(null!)); // a plain request that throws is answered too
        Assert.StartsWith("ERR internal error", ExpectMsg<ErrorReply>().Message);
        partition.Tell(new GetValue(Bytes("kept")));
        Assert.Equal("v", Encoding.ASCII.GetString(ExpectMsg<ValueReply>().Value!));
    }

    [Fact]
    public void Describe_keys_counts_keys_with_an_expiry_and_their_remaining_time()
    {
        var partition = Sys.ActorOf(Props.Create<KeyspacePartition>(new KeyspaceSize(1), 0));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        partition.Tell(new KeyspaceBatch(0,
        [
            new SetValue(Bytes("a"), Bytes("1"), SetCondition.Always, now + 100_000, ReturnOld: false),
            new SetValue(Bytes("b"), Bytes("2"), SetCondition.Always, now + 300_000, ReturnOld: false),
            new SetValue(Bytes("c"), Bytes("3"), SetCondition.Always, 0, ReturnOld: false),
            DescribeKeys.Instance,
        ]));
        var description = (KeysDescription)ExpectMsg<KeyspaceResults>().Replies[3];
        Assert.Equal((3, 2), (description.Keys, description.Expires));
        Assert.InRange(description.TtlTotalMilliseconds, 390_000, 400_000);
    }
}
