using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.Commands;
using AkkaTcp.Protocols.Resp.PubSub;

namespace AkkaTcp.Protocols.Resp.Cluster;

/// <summary>
/// The binary form of the messages resp sends between nodes: keyspace batches and their replies,
/// blocking-pop messages, cluster pub/sub, and partitions handed off. Byte arrays are written as
/// they are (a length and the bytes), integers as varints; bound in resp's reference.conf, so
/// Akka.Remote never falls back to JSON for them.
/// </summary>
internal sealed class KeyspaceSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => 7301;

    /// <summary>The manifest of a <see cref="PartitionSnapshot"/>, whose bytes a snapshot store keeps.</summary>
    public const string SnapshotManifest = "S";

    public override string Manifest(object o) => o switch
    {
        KeyspaceBatch => "B",
        KeyspaceResults => "R",
        BatchDropped => "BD",
        KeyCommand => "C",
        WaitForList => "W",
        WaitRegistered => "WR",
        WaitServed => "WS",
        WaitFailed => "WF",
        WaitSettled => "WT",
        WaitCancelled => "WC",
        ClusterPublish => "P",
        TakeHandedOff => "HT",
        HandedOffChunk => "HC",
        WakePartitions => "HW",
        WakeUp => "HU",
        PartitionSnapshot => SnapshotManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a resp cluster message"),
    };

    public override byte[] ToBinary(object o)
    {
        var w = new WireWriter();
        switch (o)
        {
            case KeyspaceBatch batch:
                WriteBatch(w, batch);
                break;
            case BatchDropped dropped:
                w.Int(dropped.Partition);
                WriteBatch(w, dropped.Batch);
                break;
            case KeyspaceResults results:
                w.Int(results.Tag);
                w.Int(results.Replies.Length);
                foreach (var reply in results.Replies)
                    WriteValue(w, reply);
                break;
            case KeyCommand command:
                WriteCommand(w, command);
                break;
            case WaitForList wait:
                w.Long(wait.WaitId);
                w.Arrays(wait.Keys);
                w.Bool(wait.Left);
                break;
            case WaitRegistered registered:
                w.Long(registered.WaitId);
                break;
            case WaitServed served:
                w.Long(served.WaitId);
                w.Bytes(served.Key);
                w.Bytes(served.Value);
                w.Bool(served.First);
                break;
            case WaitFailed failed:
                w.Long(failed.WaitId);
                w.Bytes(failed.Key);
                WriteValue(w, failed.Error);
                break;
            case WaitSettled settled:
                w.Long(settled.WaitId);
                w.Bool(settled.Keep);
                break;
            case WaitCancelled cancelled:
                w.Long(cancelled.WaitId);
                break;
            case ClusterPublish publish:
                w.String(publish.Origin);
                w.Bytes(publish.Channel);
                w.Bytes(publish.Message);
                break;
            case TakeHandedOff take:
                w.Int(take.Partition);
                break;
            case HandedOffChunk chunk:
                w.Int(chunk.Partition);
                w.Bool(chunk.Last);
                w.Bool(chunk.Held);
                WriteState(w, chunk.State);
                break;
            case WakePartitions wake:
                w.Int(wake.Partitions.Length);
                foreach (var partition in wake.Partitions)
                    w.Int(partition);
                break;
            case WakeUp:
                break;
            case PartitionSnapshot snapshot:
                w.Int(snapshot.Partition);
                w.Int(snapshot.Partitions);
                WriteState(w, new PartitionState(snapshot.Keys, [], []));
                break;
            default:
                throw new ArgumentException($"{o.GetType()} is not a resp cluster message");
        }
        return w.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var r = new WireReader(bytes);
        return manifest switch
        {
            "B" => ReadBatch(r),
            "BD" => new BatchDropped(r.Int(), ReadBatch(r)),
            "R" => new KeyspaceResults(r.Int(), r.Many(ReadValue)),
            "C" => ReadCommand(r),
            "W" => new WaitForList(r.Long(), r.Arrays(), r.Bool()),
            "WR" => new WaitRegistered(r.Long()),
            "WS" => new WaitServed(r.Long(), r.Bytes(), r.Bytes(), r.Bool()),
            "WF" => new WaitFailed(r.Long(), r.Bytes(), ReadValue(r)),
            "WT" => new WaitSettled(r.Long(), r.Bool()),
            "WC" => new WaitCancelled(r.Long()),
            "P" => new ClusterPublish(r.String(), r.Bytes(), r.Bytes()),
            "HT" => new TakeHandedOff(r.Int()),
            "HC" => ReadChunk(r),
            "HW" => new WakePartitions(r.Many(static r => r.Int())),
            "HU" => WakeUp.Instance,
            SnapshotManifest => ReadSnapshot(r),
            _ => throw new SerializationException($"unknown resp cluster message manifest '{manifest}'"),
        };
    }

    /// <summary>A chunk as written: partition, last, held, then the state.</summary>
    private HandedOffChunk ReadChunk(WireReader r)
    {
        var partition = r.Int();
        var last = r.Bool();
        var held = r.Bool();
        return new HandedOffChunk(partition, ReadState(r), last, held);
    }

    private PartitionSnapshot ReadSnapshot(WireReader r)
    {
        var partition = r.Int();
        var partitions = r.Int();
        return new PartitionSnapshot(partition, partitions, ReadState(r).Keys);
    }

    private static void WriteBatch(WireWriter w, KeyspaceBatch batch)
    {
        w.Int(batch.Tag);
        w.Int(batch.Requests.Length);
        foreach (var command in batch.Requests)
            WriteCommand(w, command);
    }

    private static KeyspaceBatch ReadBatch(WireReader r) => new(r.Int(), r.Many(ReadCommand));

    private static void WriteCommand(WireWriter w, KeyCommand command)
    {
        w.Int(command.Command);
        w.Arrays(command.Args);
        w.Bool(command.NoTouch);
        w.Bool(command.Part);
        switch (command.Payload)
        {
            case null:
                w.Byte(0);
                break;
            case byte[] bytes:
                w.Byte(1);
                w.Bytes(bytes);
                break;
            case EntryValue entry:
                w.Byte(2);
                WriteStored(w, entry.Value, entry.ExpiresAt);
                break;
            default:
                throw new ArgumentException($"a keyspace payload of type {command.Payload.GetType()} cannot cross nodes");
        }
    }

    private static KeyCommand ReadCommand(WireReader r)
    {
        var index = r.Int();
        var args = r.Arrays();
        var noTouch = r.Bool();
        var part = r.Bool();
        object? payload = r.Byte() switch
        {
            0 => null,
            1 => r.Bytes(),
            2 => ReadEntryValue(r),
            var kind => throw new SerializationException($"unknown keyspace payload kind {kind}"),
        };
        return new KeyCommand(index, args, payload, noTouch, part);
    }

    private static EntryValue ReadEntryValue(WireReader r)
    {
        var (value, expiresAt) = ReadStored(r);
        return new EntryValue(value, expiresAt);
    }

    private static void WriteValue(WireWriter w, RespValue value)
    {
        switch (value)
        {
            case SimpleValue simple:
                w.Byte((byte)'+');
                w.String(simple.Text);
                break;
            case ErrorValue error:
                w.Byte((byte)'-');
                w.String(error.Text);
                break;
            case IntegerValue integer:
                w.Byte((byte)':');
                w.Long(integer.Value);
                break;
            case BulkValue bulk:
                w.Byte((byte)'$');
                w.Bytes(bulk.Value);
                break;
            case NullValue:
                w.Byte((byte)'n');
                break;
            case NullArrayValue:
                w.Byte((byte)'N');
                break;
            case ArrayValue array:
                w.Byte((byte)'*');
                w.Int(array.Items.Length);
                foreach (var item in array.Items)
                    WriteValue(w, item);
                break;
            case EntryValue entry:
                w.Byte((byte)'E');
                WriteStored(w, entry.Value, entry.ExpiresAt);
                break;
            default:
                throw new ArgumentException($"a reply of type {value.GetType()} cannot cross nodes");
        }
    }

    private static RespValue ReadValue(WireReader r) => r.Byte() switch
    {
        (byte)'+' => Simple(r.String()),
        (byte)'-' => RespValue.Error(r.String()),
        (byte)':' => RespValue.Integer(r.Long()),
        (byte)'$' => RespValue.Bulk(r.Bytes()),
        (byte)'n' => RespValue.NullBulk,
        (byte)'N' => RespValue.NullArray,
        (byte)'*' => RespValue.Array(r.Many(ReadValue)),
        (byte)'E' => ReadEntryValue(r),
        var kind => throw new SerializationException($"unknown reply kind {kind}"),
    };

    /// <summary>+OK comes back as the shared instance, as partitions answer it.</summary>
    private static RespValue Simple(string text) => text == "OK" ? RespValue.Ok : RespValue.Simple(text);

    private static void WriteStored(WireWriter w, object value, long expiresAt)
    {
        w.Long(expiresAt);
        switch (value)
        {
            case byte[] text:
                w.Byte((byte)'s');
                w.Bytes(text);
                break;
            case ListValue list:
                w.Byte((byte)'l');
                w.Int(list.Count);
                for (var i = 0; i < list.Count; i++)
                    w.Bytes(list[i]);
                break;
            case HashValue hash:
                w.Byte((byte)'h');
                w.Int(hash.Fields.Count);
                foreach (var (field, fieldValue) in hash.Fields.Pairs())
                {
                    w.Bytes(field);
                    w.Bytes(fieldValue);
                }
                break;
            case SetValue set:
                w.Byte((byte)'S');
                w.Int(set.Members.Count);
                foreach (var (member, _) in set.Members.Pairs())
                    w.Bytes(member);
                break;
            default:
                throw new ArgumentException($"a stored value of type {value.GetType()} cannot cross nodes");
        }
    }

    private static (object Value, long ExpiresAt) ReadStored(WireReader r)
    {
        var expiresAt = r.Long();
        switch (r.Byte())
        {
            case (byte)'s':
                return (r.Bytes(), expiresAt);
            case (byte)'l':
                var list = new ListValue();
                for (var i = r.Int(); i > 0; i--)
                    list.PushRight(r.Bytes());
                return (list, expiresAt);
            case (byte)'h':
                var hash = new HashValue();
                for (var i = r.Int(); i > 0; i--)
                    hash.Fields.Set(r.Bytes(), r.Bytes());
                return (hash, expiresAt);
            case (byte)'S':
                var set = new SetValue();
                for (var i = r.Int(); i > 0; i--)
                    set.Members.Set(r.Bytes(), true);
                return (set, expiresAt);
            case var kind:
                throw new SerializationException($"unknown stored value kind {kind}");
        }
    }

    private void WriteState(WireWriter w, PartitionState state)
    {
        w.Int(state.Keys.Length);
        foreach (var key in state.Keys)
        {
            w.Bytes(key.Key);
            WriteStored(w, key.Value, key.ExpiresAt);
        }
        w.Int(state.Waiters.Length);
        foreach (var waiter in state.Waiters)
        {
            w.String(Serialization.SerializedActorPath(waiter.Client));
            w.Long(waiter.WaitId);
            w.Arrays(waiter.Keys);
            w.Bool(waiter.Left);
        }
        w.Int(state.Unsettled.Length);
        foreach (var pop in state.Unsettled)
        {
            w.String(Serialization.SerializedActorPath(pop.Client));
            w.Long(pop.WaitId);
            w.Bytes(pop.Key);
            w.Bytes(pop.Value);
            w.Bool(pop.Left);
        }
    }

    private PartitionState ReadState(WireReader r)
    {
        var keys = r.Many(static r =>
        {
            var key = r.Bytes();
            var (value, expiresAt) = ReadStored(r);
            return new StoredKey(key, value, expiresAt);
        });
        var waiters = r.Many(r => new ExportedWaiter(Resolve(r.String()), r.Long(), r.Arrays(), r.Bool()));
        var unsettled = r.Many(r => new ExportedPop(Resolve(r.String()), r.Long(), r.Bytes(), r.Bytes(), r.Bool()));
        return new PartitionState(keys, waiters, unsettled);
    }

    private IActorRef Resolve(string path) => system.Provider.ResolveActorRef(path);
}
