using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using Akka.Actor;
using AkkaTcp.Framing;
using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp;

/// <summary>
/// One resp connection: dispatches commands, answers the connection-level ones at once and sends
/// keyspace work to the key's partition, answering when it replies (in request order). Error texts
/// are Redis's own.
/// </summary>
internal sealed class RespHandler : IFrameHandler<RespCommand, RespReply>
{
    private static readonly byte[] Ok = "OK"u8.ToArray();
    private readonly IActorRef[] _partitions;
    private readonly ConnectionInfo _connection;
    private readonly RespServerStats _stats;
    private byte[]? _name;

    // Requests for each partition, collected while one received chunk's commands are handled and
    // sent at its end (OnFramesEnd): a pipelined batch costs one message per partition each way
    // instead of one per command. Sent before any other keyspace request, so order is kept.
    private readonly Outbox?[] _outbox;
    private IActorRef _self = ActorRefs.Nobody;
    private int _queued;

    public RespHandler(IActorRef[] partitions, ConnectionInfo connection, RespServerStats stats)
    {
        _partitions = partitions;
        _outbox = new Outbox?[partitions.Length];
        _connection = connection;
        _stats = stats;
        stats.OnConnected();
    }

    private delegate void Write(object reply, IConnectionContext<RespReply> c);

    /// <summary>A keyspace request's reserved reply place, and how its result is written there.</summary>
    private readonly record struct PendingReply(object Reserved, Write Write);

    /// <summary>
    /// One partition's requests not yet sent, and the replies awaited from it in request order (a
    /// partition answers a connection's batches in the order they were sent).
    /// </summary>
    private sealed class Outbox
    {
        public List<object> Requests { get; } = [];
        public Queue<PendingReply> Awaited { get; } = new();
    }

    public void OnClosed() => _stats.OnDisconnected();

    public void OnProtocolError(ProtocolError error, IConnectionContext<RespReply> connection) =>
        connection.Reply(RespReply.Error(Encoding.ASCII.GetBytes("ERR " + error.Message)));

    public void OnFrame(RespCommand command, IConnectionContext<RespReply> c)
    {
        if (command.Count == 0)
            return; // an empty request (*0 or a blank inline line) is ignored, as by Redis
        _stats.OnCommand();
        var name = command[0];
        var argc = command.Count;
        if (Is(name, "GET"u8)) { if (Arity(c, command, argc == 2)) Key(c, command[1], k => new GetValue(k), BulkOrNull); }
        else if (Is(name, "SET"u8)) Set(c, command);
        else if (Is(name, "PING"u8))
        {
            if (argc == 1) c.Reply(RespReply.Simple("PONG"u8));
            else if (Arity(c, command, argc == 2)) c.Reply(RespReply.Bulk(command[1]));
        }
        else if (Is(name, "INCR"u8)) { if (Arity(c, command, argc == 2)) Key(c, command[1], k => new IncrementBy(k, 1), Integer); }
        else if (Is(name, "DECR"u8)) { if (Arity(c, command, argc == 2)) Key(c, command[1], k => new IncrementBy(k, -1), Integer); }
        else if (Is(name, "INCRBY"u8) || Is(name, "DECRBY"u8)) IncrBy(c, command, negate: Is(name, "DECRBY"u8));
        else if (Is(name, "MGET"u8)) { if (Arity(c, command, argc >= 2)) MGet(c, command); }
        else if (Is(name, "MSET"u8)) { if (Arity(c, command, argc >= 3 && argc % 2 == 1)) MSet(c, command); }
        else if (Is(name, "DEL"u8) || Is(name, "UNLINK"u8)) { if (Arity(c, command, argc >= 2)) Sum(c, command, 1, k => new DeleteKey(k)); }
        else if (Is(name, "EXISTS"u8)) { if (Arity(c, command, argc >= 2)) Sum(c, command, 1, k => new KeyExists(k)); }
        else if (Is(name, "ECHO"u8)) { if (Arity(c, command, argc == 2)) c.Reply(RespReply.Bulk(command[1])); }
        else if (Is(name, "GETSET"u8))
        {
            if (Arity(c, command, argc == 3))
            {
                var value = command[2].ToArray();
                Key(c, command[1], k => new SetValue(k, value, SetCondition.Always, 0, ReturnOld: true), OldValue);
            }
        }
        else if (Is(name, "APPEND"u8)) { if (Arity(c, command, argc == 3)) { var v = command[2].ToArray(); Key(c, command[1], k => new AppendValue(k, v), Integer); } }
        else if (Is(name, "STRLEN"u8)) { if (Arity(c, command, argc == 2)) Key(c, command[1], k => new ValueLength(k), Integer); }
        else if (Is(name, "EXPIRE"u8) || Is(name, "PEXPIRE"u8)) Expire(c, command, milliseconds: Is(name, "PEXPIRE"u8));
        else if (Is(name, "PERSIST"u8)) { if (Arity(c, command, argc == 2)) Key(c, command[1], k => new SetExpiry(k, 0), Integer); }
        else if (Is(name, "TTL"u8) || Is(name, "PTTL"u8)) Ttl(c, command, milliseconds: Is(name, "PTTL"u8));
        else if (Is(name, "KEYS"u8)) { if (Arity(c, command, argc == 2)) Keys(c, command[1].ToArray()); }
        else if (Is(name, "DBSIZE"u8)) { if (Arity(c, command, argc == 1)) All(c, CountKeys.Instance, (replies, cc) => cc.Reply(RespReply.Number(Total(replies)))); }
        else if (Is(name, "FLUSHDB"u8) || Is(name, "FLUSHALL"u8)) All(c, FlushKeys.Instance, (_, cc) => cc.Reply(RespReply.Simple(Ok)));
        else if (Is(name, "SELECT"u8)) { if (Arity(c, command, argc == 2)) c.Reply(command[1].SequenceEqual("0"u8) ? RespReply.Simple(Ok) : RespReply.Error("ERR DB index is out of range"u8)); }
        else if (Is(name, "QUIT"u8)) { c.Reply(RespReply.Simple(Ok)); c.Close(); }
        else if (Is(name, "CLIENT"u8)) Client(c, command);
        else if (Is(name, "HELLO"u8)) Hello(c, command);
        else if (Is(name, "INFO"u8)) Info(c, command);
        else if (Is(name, "CONFIG"u8)) Config(c, command);
        else if (Is(name, "COMMAND"u8)) Command(c, command);
        else c.Reply(RespReply.Error(Encoding.UTF8.GetBytes(UnknownCommand(command))));
    }

    private void Set(IConnectionContext<RespReply> c, RespCommand command)
    {
        if (!Arity(c, command, command.Count >= 3))
            return;
        var condition = SetCondition.Always;
        long expiresAt = 0;
        var returnOld = false;
        for (var i = 3; i < command.Count; i++)
        {
            var option = command[i];
            if (Is(option, "NX"u8) && condition == SetCondition.Always) condition = SetCondition.IfMissing;
            else if (Is(option, "XX"u8) && condition == SetCondition.Always) condition = SetCondition.IfExists;
            else if (Is(option, "GET"u8)) returnOld = true;
            else if ((Is(option, "EX"u8) || Is(option, "PX"u8)) && expiresAt == 0 && i + 1 < command.Count)
            {
                if (!TryInteger(command[++i], out var amount))
                {
                    c.Reply(RespReply.Error("ERR value is not an integer or out of range"u8));
                    return;
                }
                if (amount <= 0)
                {
                    c.Reply(RespReply.Error("ERR invalid expire time in 'set' command"u8));
                    return;
                }
                expiresAt = UnixNow + (Is(option, "EX"u8) ? amount * 1000 : amount);
            }
            else
            {
                c.Reply(RespReply.Error("ERR syntax error"u8));
                return;
            }
        }
        var value = command[2].ToArray();
        Key(c, command[1], k => new SetValue(k, value, condition, expiresAt, returnOld), returnOld ? OldValue : Written);
    }

    private static void OldValue(object reply, IConnectionContext<RespReply> c) => BulkOrNull(new ValueReply(((SetReply)reply).Old), c);

    private static void Written(object reply, IConnectionContext<RespReply> c) =>
        c.Reply(((SetReply)reply).Written ? RespReply.Simple(Ok) : RespReply.Null);

    private void IncrBy(IConnectionContext<RespReply> c, RespCommand command, bool negate)
    {
        if (!Arity(c, command, command.Count == 3))
            return;
        if (!TryInteger(command[2], out var delta) || (negate && delta == long.MinValue))
        {
            c.Reply(RespReply.Error("ERR value is not an integer or out of range"u8));
            return;
        }
        Key(c, command[1], k => new IncrementBy(k, negate ? -delta : delta), Integer);
    }

    private void Expire(IConnectionContext<RespReply> c, RespCommand command, bool milliseconds)
    {
        if (!Arity(c, command, command.Count == 3))
            return;
        if (!TryInteger(command[2], out var amount))
        {
            c.Reply(RespReply.Error("ERR value is not an integer or out of range"u8));
            return;
        }
        var at = UnixNow + (milliseconds ? amount : amount * 1000);
        Key(c, command[1], k => new SetExpiry(k, Math.Max(at, 1)), Integer);
    }

    private void Ttl(IConnectionContext<RespReply> c, RespCommand command, bool milliseconds)
    {
        if (!Arity(c, command, command.Count == 2))
            return;
        Key(c, command[1], k => new GetTimeToLive(k), (reply, cc) =>
        {
            var ms = ((CountReply)reply).Count;
            cc.Reply(RespReply.Number(ms < 0 || milliseconds ? ms : (ms + 500) / 1000));
        });
    }

    private void MGet(IConnectionContext<RespReply> c, RespCommand command)
    {
        var asks = new Task<object>[command.Count - 1];
        for (var i = 1; i < command.Count; i++)
            asks[i - 1] = Ask(command[i], k => new GetValue(k));
        c.ReplyLater(Task.WhenAll(asks), (replies, cc) =>
        {
            cc.Reply(RespReply.Array(replies.Length));
            foreach (var reply in replies)
                BulkOrNull(reply, cc);
        });
    }

    private void MSet(IConnectionContext<RespReply> c, RespCommand command)
    {
        var asks = new Task<object>[(command.Count - 1) / 2];
        for (var i = 1; i < command.Count; i += 2)
        {
            var value = command[i + 1].ToArray();
            asks[i / 2] = Ask(command[i], k => new SetValue(k, value, SetCondition.Always, 0, false));
        }
        c.ReplyLater(Task.WhenAll(asks), (_, cc) => cc.Reply(RespReply.Simple(Ok)));
    }

    private void Sum(IConnectionContext<RespReply> c, RespCommand command, int first, Func<byte[], object> request)
    {
        var asks = new Task<object>[command.Count - first];
        for (var i = first; i < command.Count; i++)
            asks[i - first] = Ask(command[i], request);
        c.ReplyLater(Task.WhenAll(asks), (replies, cc) => cc.Reply(RespReply.Number(Total(replies))));
    }

    private void Keys(IConnectionContext<RespReply> c, byte[] pattern) =>
        All(c, new ListKeys(pattern), (replies, cc) =>
        {
            var count = 0;
            foreach (var reply in replies)
                count += ((KeysReply)reply).Keys.Count;
            cc.Reply(RespReply.Array(count));
            foreach (var reply in replies)
            {
                foreach (var key in ((KeysReply)reply).Keys)
                    cc.Reply(RespReply.Bulk(key));
            }
        });

    /// <summary>Sends one request to every partition and answers once all have replied.</summary>
    private void All(IConnectionContext<RespReply> c, object request, Action<object[], IConnectionContext<RespReply>> reply)
    {
        SendQueued();
        var asks = new Task<object>[_partitions.Length];
        for (var i = 0; i < asks.Length; i++)
            asks[i] = _partitions[i].Ask<object>(request, _stats.RequestTimeout);
        c.ReplyLater(Task.WhenAll(asks), reply);
    }

    /// <summary>
    /// Sends a request about one key to its partition as a plain message and keeps the reply's place;
    /// the partition's <see cref="KeyspaceResults"/> comes back to <see cref="OnMessage"/>.
    /// </summary>
    private void Key(IConnectionContext<RespReply> c, ReadOnlySpan<byte> key, Func<byte[], object> request, Write write)
    {
        var copy = key.ToArray();
        var outbox = _outbox[ByteKeyComparer.Partition(copy, _partitions.Length)] ??= new Outbox();
        outbox.Requests.Add(request(copy));
        outbox.Awaited.Enqueue(new PendingReply(c.ReserveReply(), write));
        _self = c.Self;
        _queued++;
    }

    public void OnFramesEnd(IConnectionContext<RespReply> connection) => SendQueued();

    private void SendQueued()
    {
        if (_queued == 0)
            return;
        for (var i = 0; i < _outbox.Length; i++)
        {
            if (_outbox[i] is not { Requests: { Count: > 0 } requests })
                continue;
            _partitions[i].Tell(new KeyspaceBatch(i, [.. requests]), _self);
            requests.Clear();
        }
        _queued = 0;
    }

    public bool OnMessage(object message, IConnectionContext<RespReply> connection)
    {
        if (message is not KeyspaceResults results || (uint)results.Tag >= (uint)_outbox.Length || _outbox[results.Tag] is not { } outbox)
            return false;
        foreach (var reply in results.Replies)
        {
            var pending = outbox.Awaited.Dequeue();
            connection.CompleteReply(pending.Reserved, (Reply: reply, pending.Write), static (s, cc) =>
            {
                if (s.Reply is ErrorReply error)
                    cc.Reply(RespReply.Error(Encoding.UTF8.GetBytes(error.Message)));
                else
                    s.Write(s.Reply, cc);
            });
        }
        return true;
    }

    private Task<object> Ask(ReadOnlySpan<byte> key, Func<byte[], object> request)
    {
        SendQueued();
        var copy = key.ToArray();
        return _partitions[ByteKeyComparer.Partition(copy, _partitions.Length)].Ask<object>(request(copy), _stats.RequestTimeout);
    }

    /// <summary>The sum of partitions' counts (DEL, EXISTS, DBSIZE).</summary>
    private static long Total(object[] replies)
    {
        long total = 0;
        foreach (var reply in replies)
            total += ((CountReply)reply).Count;
        return total;
    }

    private static void BulkOrNull(object reply, IConnectionContext<RespReply> c)
    {
        if (((ValueReply)reply).Value is { } value)
            c.Reply(RespReply.Bulk(value));
        else
            c.Reply(RespReply.Null);
    }

    private static void Integer(object reply, IConnectionContext<RespReply> c) => c.Reply(RespReply.Number(((CountReply)reply).Count));

    private void Client(IConnectionContext<RespReply> c, RespCommand command)
    {
        if (!Arity(c, command, command.Count >= 2))
            return;
        var sub = command[1];
        if (Is(sub, "SETNAME"u8) && command.Count == 3) { _name = command[2].Length == 0 ? null : command[2].ToArray(); c.Reply(RespReply.Simple(Ok)); }
        else if (Is(sub, "GETNAME"u8) && command.Count == 2) { if (_name is null) c.Reply(RespReply.Null); else c.Reply(RespReply.Bulk(_name)); }
        else if (Is(sub, "ID"u8) && command.Count == 2) c.Reply(RespReply.Number(_connection.Id));
        else if (Is(sub, "SETINFO"u8) && command.Count == 4) c.Reply(RespReply.Simple(Ok));
        else c.Reply(RespReply.Error(Encoding.UTF8.GetBytes($"ERR unknown subcommand '{Encoding.UTF8.GetString(sub)}'. Try CLIENT HELP.")));
    }

    private void Hello(IConnectionContext<RespReply> c, RespCommand command)
    {
        if (command.Count >= 2 && !command[1].SequenceEqual("2"u8))
        {
            c.Reply(RespReply.Error("NOPROTO sorry, this protocol version is not supported"u8));
            return;
        }
        c.Reply(RespReply.Array(14));
        c.Reply(RespReply.Bulk("server"u8)); c.Reply(RespReply.Bulk("redis"u8));
        c.Reply(RespReply.Bulk("version"u8)); c.Reply(RespReply.Bulk(RespInfo.Version));
        c.Reply(RespReply.Bulk("proto"u8)); c.Reply(RespReply.Number(2));
        c.Reply(RespReply.Bulk("id"u8)); c.Reply(RespReply.Number(_connection.Id));
        c.Reply(RespReply.Bulk("mode"u8)); c.Reply(RespReply.Bulk("standalone"u8));
        c.Reply(RespReply.Bulk("role"u8)); c.Reply(RespReply.Bulk("master"u8));
        c.Reply(RespReply.Bulk("modules"u8)); c.Reply(RespReply.Array(0));
    }

    private void Info(IConnectionContext<RespReply> c, RespCommand command)
    {
        var section = command.Count >= 2 ? Encoding.ASCII.GetString(command[1]).ToLowerInvariant() : "default";
        All(c, CountKeys.Instance, (replies, cc) =>
        {
            var keys = Total(replies);
            cc.Reply(RespReply.Bulk(Encoding.ASCII.GetBytes(RespInfo.Text(section, _stats, _connection, keys))));
        });
    }

    private static void Config(IConnectionContext<RespReply> c, RespCommand command)
    {
        if (command.Count == 3 && Is(command[1], "GET"u8))
        {
            var pattern = command[2];
            var matches = new List<KeyValuePair<string, string>>();
            foreach (var pair in RespInfo.ConfigValues)
            {
                if (GlobPattern.Matches(pattern, Encoding.ASCII.GetBytes(pair.Key)))
                    matches.Add(pair);
            }
            c.Reply(RespReply.Array(matches.Count * 2));
            foreach (var pair in matches)
            {
                c.Reply(RespReply.Bulk(Encoding.ASCII.GetBytes(pair.Key)));
                c.Reply(RespReply.Bulk(Encoding.ASCII.GetBytes(pair.Value)));
            }
        }
        else if (command.Count == 2 && Is(command[1], "RESETSTAT"u8))
            c.Reply(RespReply.Simple(Ok));
        else
            c.Reply(RespReply.Error("ERR unknown subcommand or wrong number of arguments for 'config' command"u8));
    }

    private static void Command(IConnectionContext<RespReply> c, RespCommand command)
    {
        // Enough for redis-cli (which asks COMMAND DOCS for hints) and clients that probe COMMAND.
        if (command.Count == 2 && Is(command[1], "COUNT"u8))
            c.Reply(RespReply.Number(RespInfo.CommandCount));
        else
            c.Reply(RespReply.Array(0));
    }

    private static bool Arity(IConnectionContext<RespReply> c, RespCommand command, bool ok)
    {
        if (!ok)
            c.Reply(RespReply.Error(Encoding.UTF8.GetBytes($"ERR wrong number of arguments for '{Encoding.UTF8.GetString(command[0]).ToLowerInvariant()}' command")));
        return ok;
    }

    private static string UnknownCommand(RespCommand command)
    {
        var text = new StringBuilder($"ERR unknown command '{Encoding.UTF8.GetString(command[0])}', with args beginning with: ");
        for (var i = 1; i < command.Count; i++)
            text.Append('\'').Append(Encoding.UTF8.GetString(command[i])).Append("' ");
        return text.ToString();
    }

    private static bool Is(ReadOnlySpan<byte> word, ReadOnlySpan<byte> upper) => System.Text.Ascii.EqualsIgnoreCase(word, upper);

    private static bool TryInteger(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out var used) && used == text.Length;

    private static long UnixNow => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
