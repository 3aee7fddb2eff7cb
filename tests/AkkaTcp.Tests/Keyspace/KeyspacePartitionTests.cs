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
        var partition = Sys.ActorOf(Props.Create<KeyspacePartition>());
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
        var partition = Sys.ActorOf(Props.Create<KeyspacePartition>());
        partition.Tell(new SetValue(Bytes("n"), Bytes("41"), SetCondition.Always, 0, ReturnOld: false));
        Assert.True(ExpectMsg<SetReply>().Written);
        partition.Tell(new IncrementBy(Bytes("n"), 1));
        Assert.Equal(42, ExpectMsg<CountReply>().Count);
        partition.Tell(new SetValue(Bytes("n"), Bytes("x"), SetCondition.IfMissing, 0, ReturnOld: false));
        Assert.False(ExpectMsg<SetReply>().Written);
    }
}
