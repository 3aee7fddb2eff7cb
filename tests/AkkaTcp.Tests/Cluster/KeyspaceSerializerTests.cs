using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.Commands;
using AkkaTcp.Protocols.Resp.Cluster;
using AkkaTcp.Protocols.Resp.PubSub;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Cluster;

/// <summary>
/// The binary serializer of resp's cross-node messages, through the actor system's own
/// serialization (as Akka.Remote uses it): bound by reference.conf, every message and value kind
/// round-trips, and garbage is refused with an exception, never a wrong message.
/// </summary>
public sealed class KeyspaceSerializerTests(ITestOutputHelper output) : ServerSpec(output)
{
    private T RoundTrip<T>(T message) where T : notnull
    {
        var serialization = Sys.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.IsType<KeyspaceSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        return (T)serialization.Deserialize(bytes, serializer.Identifier, manifest);
    }

    private static byte[] B(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static string Show(RespValue value) => value switch
    {
        ArrayValue array => "[" + string.Join(",", array.Items.Select(Show)) + "]",
        BulkValue bulk => "$" + System.Text.Encoding.UTF8.GetString(bulk.Value),
        IntegerValue integer => ":" + integer.Value,
        SimpleValue simple => "+" + simple.Text,
        ErrorValue error => "-" + error.Text,
        NullValue => "nil",
        NullArrayValue => "*-1",
        EntryValue entry => "entry " + entry.ExpiresAt + " " + Stored(entry.Value),
        _ => value.GetType().Name,
    };

    private static string Stored(object value) => value switch
    {
        byte[] text => "s:" + System.Text.Encoding.UTF8.GetString(text),
        ListValue list => "l:" + string.Join(",", Enumerable.Range(0, list.Count).Select(i => System.Text.Encoding.UTF8.GetString(list[i]))),
        HashValue hash => "h:" + string.Join(",", hash.Fields.Pairs().Select(p => System.Text.Encoding.UTF8.GetString(p.Key) + "=" + System.Text.Encoding.UTF8.GetString(p.Value)).Order()),
        SetValue set => "S:" + string.Join(",", set.Members.Pairs().Select(p => System.Text.Encoding.UTF8.GetString(p.Key)).Order()),
        _ => value.GetType().Name,
    };

    private static (ListValue, HashValue, SetValue) Collections()
    {
        var list = new ListValue();
        list.PushRight(B("a"));
        list.PushRight([]);
        list.PushLeft(B("z"));
        var hash = new HashValue();
        hash.Fields.Set(B("f"), B("v"));
        hash.Fields.Set(B("g"), new byte[70_000]);
        var set = new SetValue();
        set.Members.Set(B("m1"), true);
        set.Members.Set(B("\0\xff"), true);
        return (list, hash, set);
    }

    [Fact]
    public void Keyspace_batches_and_every_kind_of_reply_round_trip()
    {
        var (list, hash, set) = Collections();
        var batch = new KeyspaceBatch(-7, [
            new KeyCommand(3, [B("GET"), B("k")]),
            new KeyCommand(int.MaxValue, [B("SET"), new byte[100_000], []], B("payload"), NoTouch: true, Part: true),
            new KeyCommand(12, [B("__PUT"), B("k")], new EntryValue(list, 1234567890123)),
        ]);
        var back = RoundTrip(batch);
        Assert.Equal(batch.Tag, back.Tag);
        Assert.Equal(batch.Requests.Length, back.Requests.Length);
        for (var i = 0; i < batch.Requests.Length; i++)
        {
            Assert.Equal(batch.Requests[i].Command, back.Requests[i].Command);
            Assert.Equal(batch.Requests[i].Args, back.Requests[i].Args);
            Assert.Equal(batch.Requests[i].NoTouch, back.Requests[i].NoTouch);
            Assert.Equal(batch.Requests[i].Part, back.Requests[i].Part);
        }
        Assert.Null(back.Requests[0].Payload);
        Assert.Equal(B("payload"), back.Requests[1].Payload);
        Assert.Equal("entry 1234567890123 l:z,a,", Show((RespValue)back.Requests[2].Payload!));
        var dropped = RoundTrip(new BatchDropped(6, batch));
        Assert.Equal(6, dropped.Partition);
        Assert.Equal(batch.Tag, dropped.Batch.Tag);
        Assert.Equal(batch.Requests.Select(r => r.Args), dropped.Batch.Requests.Select(r => r.Args));

        RespValue[] replies =
        [
            RespValue.Ok, RespValue.Simple("QUEUED"), RespValue.WrongType, RespValue.Integer(long.MinValue), RespValue.Integer(-1),
            RespValue.Integer(long.MaxValue), RespValue.Bulk(B("v")), RespValue.Bulk([]), RespValue.NullBulk, RespValue.NullArray, RespValue.EmptyArray,
            RespValue.Array([RespValue.Integer(1), RespValue.Array([RespValue.Bulk(B("nested")), RespValue.NullBulk])]),
            new EntryValue(hash, 0), new EntryValue(set, 5), new EntryValue(B("text"), 9),
        ];
        var results = RoundTrip(new KeyspaceResults(42, replies));
        Assert.Equal(42, results.Tag);
        Assert.Equal(replies.Select(Show), results.Replies.Select(Show));
        Assert.Same(RespValue.Ok, results.Replies[0]);
        Assert.Same(RespValue.NullBulk, results.Replies[8]);
    }

    [Fact]
    public void Blocking_pop_pub_sub_and_hand_off_messages_round_trip()
    {
        Assert.Equal(new WaitForList(long.MaxValue, [B("a"), B("b")], true).Keys, RoundTrip(new WaitForList(long.MaxValue, [B("a"), B("b")], true)).Keys);
        Assert.Equal(9, RoundTrip(new WaitRegistered(9)).WaitId);
        var served = RoundTrip(new WaitServed(3, B("k"), B("v"), First: true));
        Assert.Equal((3L, "k", "v", true), (served.WaitId, System.Text.Encoding.UTF8.GetString(served.Key), System.Text.Encoding.UTF8.GetString(served.Value), served.First));
        Assert.Equal("-" + ((ErrorValue)RespValue.WrongType).Text, Show(RoundTrip(new WaitFailed(1, B("k"), RespValue.WrongType)).Error));
        Assert.Equal(new WaitSettled(4, false), RoundTrip(new WaitSettled(4, false)));
        Assert.Equal(new WaitCancelled(-5), RoundTrip(new WaitCancelled(-5)));
        var publish = RoundTrip(new ClusterPublish("node-a", B("news"), B("hello")));
        Assert.Equal(("node-a", "news", "hello"), (publish.Origin, System.Text.Encoding.UTF8.GetString(publish.Channel), System.Text.Encoding.UTF8.GetString(publish.Message)));
        Assert.Equal(new TakeHandedOff(17), RoundTrip(new TakeHandedOff(17)));
        Assert.Equal([1, 5, 29], RoundTrip(new WakePartitions([1, 5, 29])).Partitions);
        Assert.Same(WakeUp.Instance, RoundTrip(WakeUp.Instance));

        var (list, hash, set) = Collections();
        var client = CreateTestProbe().Ref;
        var state = new PartitionState(
            [new StoredKey(B("s"), B("str"), 0), new StoredKey(B("l"), list, 77), new StoredKey(B("h"), hash, 0), new StoredKey(B("S"), set, 1)],
            [new ExportedWaiter(client, 8, [B("q1"), B("q2")], Left: false)],
            [new ExportedPop(client, 9, B("q3"), B("popped"), Left: true)]);
        var chunk = RoundTrip(new HandedOffChunk(3, state, Last: true));
        Assert.Equal((3, true, true), (chunk.Partition, chunk.Last, chunk.Held));
        var nothing = RoundTrip(new HandedOffChunk(4, PartitionState.Empty, Last: true, Held: false));
        Assert.Equal((4, true, false, true), (nothing.Partition, nothing.Last, nothing.Held, nothing.State.IsEmpty));
        Assert.Equal(state.Keys.Select(k => $"{k.ExpiresAt} {Stored(k.Key)} {Stored(k.Value)}"), chunk.State.Keys.Select(k => $"{k.ExpiresAt} {Stored(k.Key)} {Stored(k.Value)}"));
        Assert.Equal(client, chunk.State.Waiters[0].Client);
        Assert.Equal((8L, false), (chunk.State.Waiters[0].WaitId, chunk.State.Waiters[0].Left));
        Assert.Equal(client, chunk.State.Unsettled[0].Client);
        Assert.Equal(B("popped"), chunk.State.Unsettled[0].Value);
    }

    [Fact]
    public void A_partition_snapshot_round_trips_with_every_kind_of_value_and_its_expiry()
    {
        var (list, hash, set) = Collections();
        StoredKey[] keys = [new StoredKey(B("s"), B("str"), 0), new StoredKey(B("l"), list, 77), new StoredKey(B("h"), hash, 0), new StoredKey(B("S"), set, 1)];
        var back = RoundTrip(new PartitionSnapshot(11, 30, keys));
        Assert.Equal((11, 30), (back.Partition, back.Partitions));
        Assert.Equal(keys.Select(k => $"{k.ExpiresAt} {Stored(k.Key)} {Stored(k.Value)}"), back.Keys.Select(k => $"{k.ExpiresAt} {Stored(k.Key)} {Stored(k.Value)}"));
        Assert.Equal(KeyspaceSerializer.SnapshotManifest, ((KeyspaceSerializer)Sys.Serialization.FindSerializerForType(typeof(PartitionSnapshot))).Manifest(back));
    }

    [Fact]
    public void A_sharding_envelope_carries_a_batch_through_shardings_own_serializer()
    {
        var envelope = new ShardingEnvelope("4", new KeyspaceBatch(1, [new KeyCommand(2, [B("GET"), B("k")])]));
        var serializer = Sys.Serialization.FindSerializerFor(envelope);
        var bytes = serializer.ToBinary(envelope);
        var back = (ShardingEnvelope)Sys.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, envelope));
        Assert.Equal("4", back.EntityId);
        Assert.Equal(B("k"), ((KeyspaceBatch)back.Message).Requests[0].Args[1]);
    }

    [Fact]
    public void Garbage_is_refused_with_an_exception_and_never_allocates_beyond_its_size()
    {
        var serializer = (KeyspaceSerializer)Sys.Serialization.FindSerializerForType(typeof(KeyspaceBatch));
        var good = serializer.ToBinary(new KeyspaceBatch(5, [new KeyCommand(1, [B("GET"), B("key")], new EntryValue(B("x"), 3))]));
        var random = new Random(1234);
        var refused = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = i % 2 == 0 ? good[..random.Next(good.Length)] : good.Select(b => random.Next(8) == 0 ? (byte)random.Next(256) : b).ToArray();
            try
            {
                serializer.FromBinary(bytes, i % 3 == 0 ? "R" : "B");
            }
            catch (SerializationException)
            {
                refused++;
            }
        }
        Assert.True(refused > 10_000, $"{refused} of 20000 damaged messages refused");
        Assert.Throws<SerializationException>(() => serializer.FromBinary([1, 2, 3], "no-such-manifest"));
        Assert.Throws<ArgumentException>(() => serializer.ToBinary(new object()));
    }
}
