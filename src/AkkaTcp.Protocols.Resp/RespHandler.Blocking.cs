using Akka.Actor;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Protocols.Resp;

// Blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH). The connection asks every partition holding
// some of the keys (ListWaiters there); each answers once at first — popped, waiting, or wrong
// type — and once all have, the value from the earliest key wins and any other goes back. Then
// the first value a partition pops for it wins. The client's later commands are held meanwhile.
// No thread waits: a blocked client is an entry in its partitions' queues and a timer here.
internal sealed partial class RespHandler
{
    private sealed class BlockedWait(long id, ClientReply reply, byte[][] keys, bool left, int expected)
    {
        public long Id { get; } = id;
        public ClientReply Reply { get; } = reply;
        public byte[][] Keys { get; } = keys;
        public bool Left { get; } = left;
        /// <summary>BLMOVE/BRPOPLPUSH: where the value goes and to which end.</summary>
        public (byte[] Key, bool Left)? MoveTo { get; init; }
        public int Expected { get; } = expected;
        /// <summary>Partitions that have given their first answer.</summary>
        public int Answered { get; set; }
        public List<WaitServed> Candidates { get; } = [];
        /// <summary>The earliest key (in request order) found holding another type, and its error.</summary>
        public (int Key, RespValue Error)? Failure { get; set; }
        public bool Decided { get; set; }
        public ICancelable? Timer { get; set; }
    }

    /// <summary>Sent to the connection by the scheduler when a wait's timeout is up.</summary>
    private sealed record WaitTimedOut(long WaitId) : Akka.Event.IDeadLetterSuppression;

    private BlockedWait? _wait;
    private long _nextWaitId;

    private void Block(CommandSpec spec, RespCommand command, IConnectionContext<RespReply> c)
    {
        var args = Copy(command, spec);
        if (!Arg.TryFloat(args[^1], out var seconds))
        {
            c.Reply(RespReply.Error("ERR timeout is not a float or out of range"u8));
            return;
        }
        if (seconds < 0)
        {
            c.Reply(RespReply.Error("ERR timeout is negative"u8));
            return;
        }
        var milliseconds = Math.Ceiling(seconds * 1000);
        if (milliseconds > int.MaxValue * 1000.0)
        {
            c.Reply(RespReply.Error("ERR timeout is out of range"u8));
            return;
        }
        byte[][] keys;
        bool left;
        (byte[], bool)? moveTo = null;
        if (spec.Name is "BLPOP" or "BRPOP")
        {
            keys = args[1..^1];
            left = spec.Name == "BLPOP";
        }
        else
        {
            keys = [args[1]];
            var toLeft = true;
            left = false;
            if (spec.Name == "BLMOVE" && (!Lists.TryParseSide(args[3], out left) || !Lists.TryParseSide(args[4], out toLeft)))
            {
                c.Reply(RespReply.Error("ERR syntax error"u8));
                return;
            }
            moveTo = (args[2], toLeft);
        }

        SendQueued(); // the commands before this one reach the partitions first
        var byPartition = new Dictionary<int, List<byte[]>>();
        foreach (var key in keys)
        {
            var p = PartitionOf(key);
            if (!byPartition.TryGetValue(p, out var list))
                byPartition[p] = list = [];
            list.Add(key);
        }
        var id = ++_nextWaitId;
        _wait = new BlockedWait(id, Begin(c), keys, left, byPartition.Count) { MoveTo = moveTo };
        _holding = true;
        foreach (var (p, list) in byPartition)
            _partitions.Tell(p, new WaitForList(id, [.. list], left), _self);
        if (milliseconds > 0)
            _wait.Timer = _scheduler.ScheduleTellOnceCancelable(TimeSpan.FromMilliseconds(milliseconds), _self, new WaitTimedOut(id), ActorRefs.NoSender);
        Client.Blocked = true;
        _stats.OnBlocked(1);
    }

    private bool OnWaitMessage(object message)
    {
        switch (message)
        {
            case WaitRegistered registered:
                if (Current(registered.WaitId) is { } waiting)
                {
                    waiting.Answered++;
                    Decide(waiting);
                }
                return true;
            case WaitFailed failed:
                if (Current(failed.WaitId) is { } refused)
                {
                    var at = KeyIndex(refused, failed.Key);
                    if (refused.Failure is not { } earlier || at < earlier.Key)
                        refused.Failure = (at, failed.Error);
                    refused.Answered++;
                    Decide(refused);
                }
                return true;
            case WaitServed served:
                OnServed(served);
                return true;
            case WaitTimedOut timedOut:
                if (Current(timedOut.WaitId) is not null)
                    EndWait();
                return true;
            default:
                return false;
        }
    }

    private BlockedWait? Current(long id) => _wait is { } wait && wait.Id == id ? wait : null;

    private void OnServed(WaitServed served)
    {
        if (Current(served.WaitId) is not { } wait)
        {
            _partitions.Tell(PartitionOf(served.Key), new WaitSettled(served.WaitId, Keep: false), _self); // over already: the value goes back
            return;
        }
        if (wait.Decided)
        {
            Win(wait, served);
            return;
        }
        if (served.First)
            wait.Answered++;
        wait.Candidates.Add(served);
        Decide(wait);
    }

    /// <summary>Once every partition has answered: an error, else the earliest key's value, else wait.</summary>
    private void Decide(BlockedWait wait)
    {
        if (wait.Decided || wait.Answered < wait.Expected)
            return;
        wait.Decided = true;
        // As Redis, which looks at the keys in request order: the first that is a non-empty list
        // is popped, unless a key before it holds another type.
        var best = wait.Candidates.Count == 0 ? null : wait.Candidates.MinBy(candidate => KeyIndex(wait, candidate.Key));
        if (wait.Failure is { } failure && (best is null || failure.Key < KeyIndex(wait, best.Key)))
        {
            Finish(wait, failure.Error);
            return;
        }
        if (best is not null)
            Win(wait, best);
    }

    private static int KeyIndex(BlockedWait wait, byte[] key) => Array.FindIndex(wait.Keys, k => k.AsSpan().SequenceEqual(key));

    private void Win(BlockedWait wait, WaitServed served)
    {
        _partitions.Tell(PartitionOf(served.Key), new WaitSettled(served.WaitId, Keep: true), _self);
        wait.Candidates.Remove(served);
        if (wait.MoveTo is not { } destination)
        {
            Finish(wait, RespValue.Array([RespValue.Bulk(served.Key), RespValue.Bulk(served.Value)]));
            return;
        }
        StopWaiting(wait);
        CrossPartition.MoveValue(this, served.Key, wait.Left, destination.Key, destination.Left, served.Value, new Steps(this, wait.Reply));
    }

    /// <summary>Answers the wait now: a null array when it timed out (or the client left, or the server drains).</summary>
    private void EndWait()
    {
        if (_wait is not { } wait)
            return;
        Finish(wait, RespValue.NullArray); // BLMOVE too: Redis 7.0 answers a null array when a wait times out
    }

    private void Finish(BlockedWait wait, RespValue reply)
    {
        StopWaiting(wait);
        Complete(wait.Reply, reply);
        Release();
    }

    /// <summary>
    /// The partitions forget the client (those that served it already did), values popped for it
    /// and not kept go back (a timeout or an error may come before every partition has answered),
    /// and the timer stops.
    /// </summary>
    private void StopWaiting(BlockedWait wait)
    {
        wait.Timer?.Cancel();
        foreach (var candidate in wait.Candidates)
            _partitions.Tell(PartitionOf(candidate.Key), new WaitSettled(candidate.WaitId, Keep: false), _self);
        wait.Candidates.Clear();
        foreach (var partition in wait.Keys.Select(PartitionOf).Distinct())
            _partitions.Tell(partition, new WaitCancelled(wait.Id), _self);
        _wait = null;
        Client.Blocked = false;
        _stats.OnBlocked(-1);
    }

    /// <summary>The connection closed: its partitions stop waiting for it (and would give back anything popped for it).</summary>
    private void CancelWait()
    {
        if (_wait is { } wait)
            StopWaiting(wait);
    }
}
