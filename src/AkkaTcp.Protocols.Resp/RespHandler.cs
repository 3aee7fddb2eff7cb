using System.Diagnostics;
using System.Text;
using Akka.Actor;
using Akka.Event;
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
    private readonly ProtocolMetrics _metrics;

    // The command being handled while request durations are measured (null otherwise), when its
    // decoding ended, and whether its reply comes later (then it is recorded when written).
    private string? _operation;
    private long _started;
    private bool _answeredLater;

    // Requests for each partition, collected while one received chunk's commands are handled and
    // sent at its end (OnFramesEnd): a pipelined batch costs one message per partition each way
    // instead of one per command. Sent before any other keyspace request, so order is kept.
    private readonly Outbox?[] _outbox;
    private IActorRef _self = ActorRefs.Nobody;
    private int _queued;

    // Batches sent and not yet answered, by tag. A batch's replies are matched to its requests by
    // its tag and their count, never by arrival order, so a reply can never answer another request;
    // a batch not answered within request-timeout gets an error for each of its commands, and its
    // late answer is dropped.
    private readonly Dictionary<int, SentBatch> _sent = new();
    private readonly IScheduler _scheduler;
    private int _nextTag;
    private bool _deadlineCheckScheduled;

    public RespHandler(IActorRef[] partitions, ConnectionInfo connection, RespServerStats stats, IScheduler scheduler, ProtocolMetrics metrics)
    {
        _metrics = metrics;
        _partitions = partitions;
        _outbox = new Outbox?[partitions.Length];
        _connection = connection;
        _stats = stats;
        _scheduler = scheduler;
        stats.OnConnected();
    }

    private delegate void Write(object reply, IConnectionContext<RespReply> c);

    /// <summary>A keyspace request's reserved reply place, and how its result is written there.</summary>
    private readonly record struct PendingReply(ReplyToken Reserved, Write Write, string? Operation, long Started);

    /// <summary>One partition's requests not yet sent, with their reply places in the same order.</summary>
    private sealed class Outbox
    {
        public List<object> Requests { get; } = [];
        public List<PendingReply> Replies { get; } = [];
    }

    /// <summary>A batch a partition has not answered yet: its reply places and when it times out (Environment.TickCount64).</summary>
    private sealed record SentBatch(PendingReply[] Replies, long Deadline);

    /// <summary>
    /// Sent to the connection by the scheduler: time to fail the batches past their deadline. One
    /// may arrive after its connection closed; that is no dead letter worth a log line.
    /// </summary>
    private sealed class CheckDeadlines : IDeadLetterSuppression
    {
        public static readonly CheckDeadlines Instance = new();
    }

    private static readonly ErrorReply TimedOut = new("ERR request timed out (resp.request-timeout)");
    private static readonly ErrorReply NoReply = new("ERR internal error: the keyspace left this request unanswered");

    public void OnClosed() => _stats.OnDisconnected();

    public void OnProtocolError(ProtocolError error, IConnectionContext<RespReply> connection) =>
        connection.Reply(RespReply.Error(Encoding.ASCII.GetBytes("ERR " + error.Message)));

    public void OnFrame(RespCommand command, IConnectionContext<RespReply> c)
    {
        if (command.Count == 0)
            return; // an empty request (*0 or a blank inline line) is ignored, as by Redis
        _stats.OnCommand();
        var name = command[0];
        for (var i = 0; i < Commands.Length; i++)
        {
            if (Is(name, Commands[i].Name))
            {
                StartTiming(OperationNames[i]);
                Commands[i].Run(this, command, c);
                EndTiming();
                return;
            }
        }
        StartTiming("unknown");
        c.Reply(RespReply.Error(Encoding.UTF8.GetBytes(UnknownCommand(command))));
        EndTiming();
    }

    private void StartTiming(string operation)
    {
        if (!_metrics.RequestsEnabled)
            return;
        _operation = operation;
        _started = Stopwatch.GetTimestamp();
        _answeredLater = false;
    }

    /// <summary>Records a command answered at once; one answered later is recorded when its reply is written.</summary>
    private void EndTiming()
    {
        if (_operation is not null && !_answeredLater)
            _metrics.RecordRequest(_operation, _started);
        _operation = null;
    }

    private delegate void Run(RespHandler handler, RespCommand command, IConnectionContext<RespReply> c);

    /// <summary>Every command served, most frequent first; COMMAND COUNT is its length.</summary>
    private static readonly (byte[] Name, Run Run)[] Commands =
    [
        ("GET"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count == 2)) h.Key(c, command[1], static k => new GetValue(k), BulkOrNull); }),
        ("SET"u8.ToArray(), static (h, command, c) => h.Set(c, command)),
        ("PING"u8.ToArray(), static (_, command, c) =>
        {
            if (command.Count == 1) c.Reply(RespReply.Simple("PONG"u8));
            else if (Arity(c, command, command.Count == 2)) c.Reply(RespReply.Bulk(command[1]));
        }),
        ("INCR"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count == 2)) h.Key(c, command[1], static k => new IncrementBy(k, 1), Integer); }),
        ("DECR"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count == 2)) h.Key(c, command[1], static k => new IncrementBy(k, -1), Integer); }),
        ("INCRBY"u8.ToArray(), static (h, command, c) => h.IncrBy(c, command, negate: false)),
        ("DECRBY"u8.ToArray(), static (h, command, c) => h.IncrBy(c, command, negate: true)),
        ("MGET"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count >= 2)) h.MGet(c, command); }),
        ("MSET"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count >= 3 && command.Count % 2 == 1)) h.MSet(c, command); }),
        ("DEL"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count >= 2)) h.Sum(c, command, 1, static k => new DeleteKey(k)); }),
        ("UNLINK"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count >= 2)) h.Sum(c, command, 1, static k => new DeleteKey(k)); }),
        ("EXISTS"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count >= 2)) h.Sum(c, command, 1, static k => new KeyExists(k)); }),
        ("ECHO"u8.ToArray(), static (_, command, c) => { if (Arity(c, command, command.Count == 2)) c.Reply(RespReply.Bulk(command[1])); }),
        ("GETSET"u8.ToArray(), static (h, command, c) =>
        {
            if (!Arity(c, command, command.Count == 3))
                return;
            var value = command[2].ToArray();
            h.Key(c, command[1], k => new SetValue(k, value, SetCondition.Always, 0, ReturnOld: true), OldValue);
        }),
        ("APPEND"u8.ToArray(), static (h, command, c) =>
        {
            if (!Arity(c, command, command.Count == 3))
                return;
            var value = command[2].ToArray();
            h.Key(c, command[1], k => new AppendValue(k, value), Integer);
        }),
        ("STRLEN"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count == 2)) h.Key(c, command[1], static k => new ValueLength(k), Integer); }),
        ("EXPIRE"u8.ToArray(), static (h, command, c) => h.Expire(c, command, milliseconds: false)),
        ("PEXPIRE"u8.ToArray(), static (h, command, c) => h.Expire(c, command, milliseconds: true)),
        ("PERSIST"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count == 2)) h.Key(c, command[1], static k => new SetExpiry(k, 0), Integer); }),
        ("TTL"u8.ToArray(), static (h, command, c) => h.Ttl(c, command, milliseconds: false)),
        ("PTTL"u8.ToArray(), static (h, command, c) => h.Ttl(c, command, milliseconds: true)),
        ("KEYS"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count == 2)) h.Keys(c, command[1].ToArray()); }),
        ("DBSIZE"u8.ToArray(), static (h, command, c) => { if (Arity(c, command, command.Count == 1)) h.All(c, CountKeys.Instance, static (replies, cc) => cc.Reply(RespReply.Number(Total(replies)))); }),
        ("FLUSHDB"u8.ToArray(), static (h, _, c) => h.All(c, FlushKeys.Instance, static (_, cc) => cc.Reply(RespReply.Simple(Ok)))),
        ("FLUSHALL"u8.ToArray(), static (h, _, c) => h.All(c, FlushKeys.Instance, static (_, cc) => cc.Reply(RespReply.Simple(Ok)))),
        ("SELECT"u8.ToArray(), static (_, command, c) =>
        {
            if (Arity(c, command, command.Count == 2))
                c.Reply(command[1].SequenceEqual("0"u8) ? RespReply.Simple(Ok) : RespReply.Error("ERR DB index is out of range"u8));
        }),
        ("QUIT"u8.ToArray(), static (_, _, c) => { c.Reply(RespReply.Simple(Ok)); c.Close(); }),
        ("CLIENT"u8.ToArray(), static (h, command, c) => h.Client(c, command)),
        ("HELLO"u8.ToArray(), static (h, command, c) => h.Hello(c, command)),
        ("INFO"u8.ToArray(), static (h, command, c) => h.Info(c, command)),
        ("CONFIG"u8.ToArray(), static (h, command, c) => h.Config(c, command)),
        ("COMMAND"u8.ToArray(), static (_, command, c) => Command(c, command)),
    ];

    /// <summary>The commands' names as the <c>operation</c> tag of request durations.</summary>
    private static readonly string[] OperationNames = Array.ConvertAll(Commands, c => Encoding.ASCII.GetString(c.Name).ToLowerInvariant());

    /// <summary>The names of the commands served (COMMAND COUNT counts them).</summary>
    internal static IEnumerable<string> CommandNames => Commands.Select(command => Encoding.ASCII.GetString(command.Name));

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
                // As Redis: not positive, or past the 64-bit millisecond clock, is refused (never wrapped).
                var seconds = Is(option, "EX"u8);
                var now = UnixNow;
                if (amount <= 0 || (seconds && amount > long.MaxValue / 1000) || (seconds ? amount * 1000 : amount) > long.MaxValue - now)
                {
                    c.Reply(RespReply.Error("ERR invalid expire time in 'set' command"u8));
                    return;
                }
                expiresAt = now + (seconds ? amount * 1000 : amount);
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
        // Redis's checks: a negative time is allowed (it deletes the key), an overflow is not.
        var now = UnixNow;
        if ((!milliseconds && (amount > long.MaxValue / 1000 || amount < long.MinValue / 1000))
            || (milliseconds ? amount : amount * 1000) > long.MaxValue - now)
        {
            c.Reply(RespReply.Error(Encoding.ASCII.GetBytes($"ERR invalid expire time in '{(milliseconds ? "pexpire" : "expire")}' command")));
            return;
        }
        var at = now + (milliseconds ? amount : amount * 1000);
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
        ReplyAll(c, asks, (replies, cc) =>
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
        ReplyAll(c, asks, (_, cc) => cc.Reply(RespReply.Simple(Ok)));
    }

    private void Sum(IConnectionContext<RespReply> c, RespCommand command, int first, Func<byte[], object> request)
    {
        var asks = new Task<object>[command.Count - first];
        for (var i = first; i < command.Count; i++)
            asks[i - first] = Ask(command[i], request);
        ReplyAll(c, asks, (replies, cc) => cc.Reply(RespReply.Number(Total(replies))));
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
            asks[i] = AskPartition(_partitions[i], request);
        ReplyAll(c, asks, reply);
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
        outbox.Replies.Add(new PendingReply(c.ReserveReply(), write, _operation, _started));
        _answeredLater = true;
        _self = c.Self;
        _queued++;
    }

    public void OnFramesEnd(IConnectionContext<RespReply> connection) => SendQueued();

    private void SendQueued()
    {
        if (_queued == 0)
            return;
        var deadline = Environment.TickCount64 + (long)_stats.RequestTimeout.TotalMilliseconds;
        for (var i = 0; i < _outbox.Length; i++)
        {
            if (_outbox[i] is not { Requests.Count: > 0 } outbox)
                continue;
            var tag = unchecked(_nextTag++);
            _sent[tag] = new SentBatch([.. outbox.Replies], deadline);
            _partitions[i].Tell(new KeyspaceBatch(tag, [.. outbox.Requests]), _self);
            outbox.Requests.Clear();
            outbox.Replies.Clear();
        }
        _queued = 0;
        ScheduleDeadlineCheck(_stats.RequestTimeout);
    }

    public bool OnMessage(object message, IConnectionContext<RespReply> connection)
    {
        switch (message)
        {
            case KeyspaceResults results:
                // Unknown tag: answered after its deadline, when its commands had their errors already.
                if (_sent.Remove(results.Tag, out var batch))
                    Complete(batch, results.Replies, NoReply, connection);
                return true;
            case CheckDeadlines:
                _deadlineCheckScheduled = false;
                FailOverdueBatches(connection);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Fills a batch's reply places in order. A partition answers every request in its place; the
    /// places <paramref name="replies"/> does not cover (a timeout, or a short answer, which would be a
    /// bug) get <paramref name="missing"/>, never someone else's reply.
    /// </summary>
    private void Complete(SentBatch batch, object[] replies, ErrorReply missing, IConnectionContext<RespReply> connection)
    {
        for (var i = 0; i < batch.Replies.Length; i++)
        {
            var pending = batch.Replies[i];
            var reply = i < replies.Length ? replies[i] : missing;
            connection.CompleteReply(pending.Reserved, (Reply: reply, pending.Write), static (s, cc) =>
            {
                if (s.Reply is ErrorReply error)
                    cc.Reply(RespReply.Error(Encoding.UTF8.GetBytes(error.Message)));
                else
                    s.Write(s.Reply, cc);
            });
            if (pending.Operation is not null)
                _metrics.RecordRequest(pending.Operation, pending.Started);
        }
    }

    private void FailOverdueBatches(IConnectionContext<RespReply> connection)
    {
        var now = Environment.TickCount64;
        var next = long.MaxValue;
        List<int>? overdue = null;
        foreach (var (tag, batch) in _sent)
        {
            if (batch.Deadline <= now)
                (overdue ??= []).Add(tag);
            else
                next = Math.Min(next, batch.Deadline);
        }
        if (overdue is not null)
        {
            foreach (var tag in overdue)
            {
                _sent.Remove(tag, out var batch);
                Complete(batch!, [], TimedOut, connection);
            }
        }
        if (next != long.MaxValue)
            ScheduleDeadlineCheck(TimeSpan.FromMilliseconds(next - now));
    }

    /// <summary>One deadline check at a time per connection, while batches are out.</summary>
    private void ScheduleDeadlineCheck(TimeSpan after)
    {
        if (_deadlineCheckScheduled || _sent.Count == 0)
            return;
        _deadlineCheckScheduled = true;
        _scheduler.ScheduleTellOnce(after, _self, CheckDeadlines.Instance, ActorRefs.NoSender);
    }

    /// <summary>
    /// Asks a key's partition directly (multi-key commands). The answer is never a failure: past
    /// request-timeout it is the timeout error, so that one command fails and the connection goes on.
    /// </summary>
    private Task<object> Ask(ReadOnlySpan<byte> key, Func<byte[], object> request)
    {
        SendQueued();
        var copy = key.ToArray();
        return AskPartition(_partitions[ByteKeyComparer.Partition(copy, _partitions.Length)], request(copy));
    }

    private Task<object> AskPartition(IActorRef partition, object request) =>
        partition.Ask<object>(request, _stats.RequestTimeout).ContinueWith(
            static t => t.IsCompletedSuccessfully ? t.Result : TimedOut,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Answers a multi-key command once every partition asked has answered: with the first error among them, if any.</summary>
    private void ReplyAll(IConnectionContext<RespReply> c, Task<object>[] asks, Action<object[], IConnectionContext<RespReply>> write)
    {
        var (operation, started) = (_operation, _started);
        _answeredLater = true;
        c.ReplyLater(Task.WhenAll(asks), (replies, cc) =>
        {
            WriteAll(replies, cc, write);
            if (operation is not null)
                _metrics.RecordRequest(operation, started);
        });
    }

    private static void WriteAll(object[] replies, IConnectionContext<RespReply> cc, Action<object[], IConnectionContext<RespReply>> write)
    {
        foreach (var reply in replies)
        {
            if (reply is ErrorReply error)
            {
                cc.Reply(RespReply.Error(Encoding.UTF8.GetBytes(error.Message)));
                return;
            }
        }
        write(replies, cc);
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
        All(c, DescribeKeys.Instance, (replies, cc) =>
        {
            long keys = 0, expires = 0, ttlTotal = 0;
            foreach (KeysDescription partition in replies)
            {
                keys += partition.Keys;
                expires += partition.Expires;
                ttlTotal += partition.TtlTotalMilliseconds;
            }
            var keyspace = new RespInfo.Keyspace(keys, expires, expires == 0 ? 0 : ttlTotal / expires);
            cc.Reply(RespReply.Bulk(Encoding.ASCII.GetBytes(RespInfo.Text(section, _stats, _connection, keyspace))));
        });
    }

    private void Config(IConnectionContext<RespReply> c, RespCommand command)
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
        {
            _stats.ResetCounters();
            c.Reply(RespReply.Simple(Ok));
        }
        else
            c.Reply(RespReply.Error("ERR unknown subcommand or wrong number of arguments for 'config' command"u8));
    }

    private static void Command(IConnectionContext<RespReply> c, RespCommand command)
    {
        // Enough for redis-cli (which asks COMMAND DOCS for hints) and clients that probe COMMAND.
        if (command.Count == 2 && Is(command[1], "COUNT"u8))
            c.Reply(RespReply.Number(Commands.Length));
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

    private static bool TryInteger(ReadOnlySpan<byte> text, out long value) => RespInteger.TryParse(text, out value);

    private static long UnixNow => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
