using Akka.Actor;
using Akka.Event;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Protocols.Resp;

// Keyspace work: commands for partitions are collected while one received chunk is handled and,
// at its end (OnFramesEnd), run in each partition through its gate (PartitionGate) or sent to it,
// one KeyspaceBatch per partition, so a pipelined batch costs at most one message per partition
// each way instead of one per command. A sent batch's replies are matched to its
// commands by its tag and their count, never by arrival order; a batch not answered within
// request-timeout gets an error for each of its commands, and its late answer is dropped.
internal sealed partial class RespHandler
{
    /// <summary>Where a command's reply goes in the output, and the timing of its request.</summary>
    internal readonly record struct ClientReply(ReplyToken Token, string? Operation, long Started);

    /// <summary>A partition command's reply: straight into a client's place, or to a step of the connection's own.</summary>
    private readonly record struct Pending(ClientReply Reply, Action<RespValue>? Then);

    /// <summary>One partition's commands not yet sent, with their replies' destinations in the same order.</summary>
    private sealed class Outbox
    {
        public List<KeyCommand> Requests { get; } = [];
        public List<Pending> Replies { get; } = [];
    }

    private sealed record SentBatch(Pending[] Replies, long Deadline)
    {
        /// <summary>Times it was sent again after a shard region dropped it.</summary>
        public int Resent { get; set; }
    }

    // A batch may meet more than one hand-off while shards move; beyond this it waits out its deadline.
    private const int MaxResends = 3;

    /// <summary>Sent to the connection by the scheduler: time to fail the batches past their deadline.</summary>
    private sealed class CheckDeadlines : IDeadLetterSuppression
    {
        public static readonly CheckDeadlines Instance = new();
    }

    private static readonly RespValue TimedOut = RespValue.Error("ERR request timed out (resp.request-timeout)");
    private static readonly RespValue NoReply = RespValue.Error("ERR internal error: the keyspace left this request unanswered");

    private readonly Outbox?[] _outbox;
    private readonly ArgumentArrays _arguments = new();
    private readonly Dictionary<int, SentBatch> _sent = new();
    private readonly Queue<(SentBatch Batch, RespValue[] Replies)> _ran = new();
    private bool _delivering;

    // The time of the current run of frames for the commands run here through a partition's gate
    // (the keys' last use), read at the first of them; 0 once the run ends (SendQueued).
    private long _clock;
    private int _queued;
    private int _nextTag;
    private bool _deadlineCheckScheduled;

    internal int PartitionOf(byte[] key) => ByteKeyComparer.Partition(key, _partitions.Count);

    /// <summary>Keeps this command's place in the output for a reply that comes later.</summary>
    internal ClientReply Begin(IConnectionContext<RespReply> c)
    {
        _answeredLater = true;
        return new ClientReply(c.ReserveReply(), _operation, _started);
    }

    internal void Complete(ClientReply reply, RespValue value)
    {
        _c.CompleteReply(reply.Token, value, static (v, cc) => v.Write(cc));
        if (reply.Operation is not null)
            _metrics.RecordRequest(reply.Operation, reply.Started);
    }

    /// <summary>
    /// A single-key command (or a multi-key one whose keys share a partition): to its partition.
    /// When nothing of this connection's is queued for that partition or on its way to any, it runs
    /// at once through the partition's gate and is answered in place, with no reply kept for later.
    /// (Only the connection's own steps are moves, never a client's command.)
    /// </summary>
    private void Key(CommandSpec spec, RespCommand command, IConnectionContext<RespReply> c)
    {
        var partition = ByteKeyComparer.Partition(command[spec.FirstKey], _partitions.Count);
        if (_outbox[partition] is not { Requests.Count: > 0 } && _sent.Count == 0)
        {
            var args = _arguments.Fill(command, spec.NameBytes);
            var reply = _partitions.TryRun(partition, spec.Index, args, Client.NoTouch, ref _clock);
            _arguments.Release(args);
            if (reply is not null)
            {
                reply.Write(c);
                return;
            }
        }
        Enqueue(partition, new KeyCommand(spec.Index, Copy(command, spec), null, Client.NoTouch), new Pending(Begin(c), null));
    }

    /// <summary>
    /// A command over many keys (MGET, MSET, DEL, EXISTS, ...) split by partition: each partition
    /// gets one command with its keys (and values), and the parts' replies are combined in key order.
    /// </summary>
    private void EachKey(CommandSpec spec, RespCommand command, IConnectionContext<RespReply> c)
    {
        var part = spec.PartCommand is null ? spec : CommandTable.Named(spec.PartCommand);
        var keys = (command.Count - 1) / spec.Step;
        var byPartition = new List<int>?[_partitions.Count];
        var order = new List<int>(); // partitions in the order their first key appears
        for (var k = 0; k < keys; k++)
        {
            var p = ByteKeyComparer.Partition(command[1 + k * spec.Step], _partitions.Count);
            if (byPartition[p] is null)
                order.Add(p);
            (byPartition[p] ??= []).Add(k);
        }
        var positions = new int[order.Count][];
        var reply = Begin(c);
        var gather = new Gather(order.Count, replies => Complete(reply, spec.Combine!(this, replies, positions)));
        for (var i = 0; i < order.Count; i++)
        {
            var mine = byPartition[order[i]]!;
            positions[i] = [.. mine];
            var args = new byte[1 + mine.Count * spec.Step][];
            args[0] = part.NameBytes;
            var at = 1;
            foreach (var k in mine)
            {
                for (var j = 0; j < spec.Step; j++)
                    args[at++] = command[1 + k * spec.Step + j].ToArray();
            }
            Enqueue(order[i], new KeyCommand(part.Index, args, null, Client.NoTouch, Part: true), new Pending(default, gather.Part(i)));
        }
    }

    /// <summary>The same command to every partition, the replies combined.</summary>
    internal void Everywhere(CommandSpec spec, byte[][] args, CombineReplies combine, IConnectionContext<RespReply> c)
    {
        var reply = Begin(c);
        var gather = new Gather(_partitions.Count, replies => Complete(reply, combine(this, replies, null)));
        for (var i = 0; i < _partitions.Count; i++)
            Enqueue(i, new KeyCommand(spec.Index, args, Part: true), new Pending(default, gather.Part(i)));
    }

    /// <summary>
    /// SCAN: the cursor names a partition and a slot in it (slot × partitions + partition). A
    /// partition finished before COUNT keys were found goes on in the next one, in the same call,
    /// so a small keyspace is scanned in one call, as Redis's is.
    /// </summary>
    private void Scan(CommandSpec spec, RespCommand command, IConnectionContext<RespReply> c)
    {
        if (!ulong.TryParse(command[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cursor))
        {
            c.Reply(RespReply.Error("ERR invalid cursor"u8));
            return;
        }
        var partitions = (ulong)_partitions.Count;
        var args = Copy(command, spec);
        var wanted = 10;
        for (var i = 2; i + 1 < args.Length; i += 2)
        {
            if (Arg.Is(args[i], "COUNT"u8) && Arg.TryInt(args[i + 1], out var count) && count > 0)
                wanted = count;
        }
        var reply = Begin(c);
        var found = new List<RespValue>();
        void ScanFrom(int partition, ulong slot)
        {
            args[1] = Arg.Format(slot > long.MaxValue ? long.MaxValue : (long)slot);
            Enqueue(partition, new KeyCommand(spec.Index, [.. args], null, Client.NoTouch, Part: true), new Pending(default, result =>
            {
                if (result is not ArrayValue { Items: [IntegerValue next, ArrayValue keys] })
                {
                    Complete(reply, result);
                    return;
                }
                found.AddRange(keys.Items);
                if (next.Value == 0 && partition + 1 < _partitions.Count && found.Count < wanted)
                {
                    ScanFrom(partition + 1, 0);
                    return;
                }
                var nextCursor = next.Value != 0 ? (ulong)next.Value * partitions + (ulong)partition
                    : partition + 1 < _partitions.Count ? (ulong)partition + 1 : 0;
                Complete(reply, RespValue.Array([RespValue.Bulk(nextCursor.ToString(System.Globalization.CultureInfo.InvariantCulture)), RespValue.Array([.. found])]));
            }));
        }
        ScanFrom((int)(cursor % partitions), cursor / partitions);
    }

    /// <summary>A step of a command the connection runs itself: one partition command, its reply to <paramref name="then"/>.</summary>
    internal void Ask(CommandSpec spec, byte[][] args, Action<RespValue> then, object? payload = null) =>
        Enqueue(PartitionOf(args[spec.FirstKey]), new KeyCommand(spec.Index, args, payload, Client.NoTouch, Part: true), new Pending(default, then));

    /// <summary>
    /// A move (see <see cref="Moves"/>): sent alone in its batch, since its partition may pass it on
    /// to another that answers for it.
    /// </summary>
    internal void AskAlone(CommandSpec spec, byte[][] args, Action<RespValue> then, object? payload = null)
    {
        SendQueued(); // the commands before it go first, in their own batches
        Ask(spec, args, then, payload);
        SendQueued();
    }

    /// <summary>Several partition commands at once; <paramref name="then"/> gets their replies in order once all have come.</summary>
    internal void AskEach(int count, Func<int, (CommandSpec Spec, byte[][] Args)> part, Action<RespValue[]> then)
    {
        var gather = new Gather(count, then);
        for (var i = 0; i < count; i++)
        {
            var (spec, args) = part(i);
            Ask(spec, args, gather.Part(i));
        }
    }

    /// <summary>Collects the replies of a command's parts and hands them on when the last arrives.</summary>
    private sealed class Gather(int parts, Action<RespValue[]> done)
    {
        private readonly RespValue[] _replies = new RespValue[parts];
        private int _remaining = parts;

        public Action<RespValue> Part(int index) => reply =>
        {
            _replies[index] = reply;
            if (--_remaining == 0)
                done(_replies);
        };
    }

    private void Enqueue(int partition, KeyCommand command, Pending pending)
    {
        var outbox = _outbox[partition] ??= new Outbox();
        outbox.Requests.Add(command);
        outbox.Replies.Add(pending);
        _queued++;
    }

    public void OnFramesEnd(IConnectionContext<RespReply> connection) => SendQueued();

    internal void SendQueued()
    {
        _clock = 0;
        if (_queued == 0)
            return;
        var deadline = Environment.TickCount64 + (long)_stats.RequestTimeout.TotalMilliseconds;
        for (var i = 0; i < _outbox.Length; i++)
        {
            if (_outbox[i] is not { Requests.Count: > 0 } outbox)
                continue;
            KeyCommand[] requests = [.. outbox.Requests];
            var batch = new SentBatch([.. outbox.Replies], deadline);
            outbox.Requests.Clear();
            outbox.Replies.Clear();
            RunOrSend(i, requests, batch);
        }
        _queued = 0;
        ScheduleDeadlineCheck(_stats.RequestTimeout);
        DeliverRan();
    }

    /// <summary>
    /// Runs a batch in its partition, on this thread, when nothing of this connection's is on its
    /// way to a partition (a later batch must not overtake it) and the partition's gate lets it;
    /// otherwise sends it. A move's reply is its next step, in the destination partition: that
    /// runs (or is sent) at once, in the batch's place.
    /// </summary>
    private void RunOrSend(int partition, KeyCommand[] requests, SentBatch batch)
    {
        while (_sent.Count == 0 && _partitions.TryRun(partition, requests) is { } replies)
        {
            if (replies is not [ForwardValue forward])
            {
                _ran.Enqueue((batch, replies));
                return;
            }
            partition = forward.Partition;
            requests = [forward.Next];
        }
        var tag = unchecked(_nextTag++);
        _sent[tag] = batch;
        _partitions.Tell(partition, new KeyspaceBatch(tag, requests), _self);
    }

    /// <summary>
    /// Hands on the replies of the batches run in their partitions. A reply's step may queue and
    /// send more (SendQueued again); what that runs joins this loop instead of nesting in it, so
    /// a long pipeline of commands in steps keeps the stack flat.
    /// </summary>
    private void DeliverRan()
    {
        if (_delivering)
            return;
        _delivering = true;
        try
        {
            while (_ran.TryDequeue(out var ran))
            {
                Deliver(ran.Batch, ran.Replies, NoReply);
                SendQueued(); // what the replies' steps asked for
            }
        }
        finally
        {
            _delivering = false;
        }
    }

    /// <summary>
    /// Keeps a reply's place for a request to another actor (the pub/sub broker) that answers with
    /// a <see cref="KeyspaceResults"/> of one reply under the returned tag, within request-timeout.
    /// </summary>
    internal int Track(ClientReply reply)
    {
        var tag = unchecked(_nextTag++);
        _sent[tag] = new SentBatch([new Pending(reply, null)], Environment.TickCount64 + (long)_stats.RequestTimeout.TotalMilliseconds);
        ScheduleDeadlineCheck(_stats.RequestTimeout);
        return tag;
    }

    /// <summary>A shard region dropped a batch before its partition saw it: sent again, while its deadline lasts, a few times at most.</summary>
    private void OnDropped(BatchDropped dropped)
    {
        if (_sent.TryGetValue(dropped.Batch.Tag, out var batch) && batch.Resent++ < MaxResends)
            _partitions.Tell(dropped.Partition, dropped.Batch, _self);
    }

    private void OnResults(KeyspaceResults results)
    {
        // Unknown tag: answered after its deadline, when its commands had their errors already.
        if (_sent.Remove(results.Tag, out var batch))
            Deliver(batch, results.Replies, NoReply);
    }

    /// <summary>
    /// Hands a batch's replies to their destinations in order. A partition answers every command in
    /// its place; the places <paramref name="replies"/> does not cover (a timeout, or a short answer,
    /// which would be a bug) get <paramref name="missing"/>, never someone else's reply.
    /// </summary>
    private void Deliver(SentBatch batch, RespValue[] replies, RespValue missing)
    {
        for (var i = 0; i < batch.Replies.Length; i++)
        {
            var pending = batch.Replies[i];
            var reply = i < replies.Length ? replies[i] : missing;
            if (pending.Then is { } then)
                then(reply);
            else
                Complete(pending.Reply, reply);
        }
    }

    private void FailOverdueBatches()
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
                Deliver(batch!, [], TimedOut);
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
}
