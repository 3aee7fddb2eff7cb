using Akka.Actor;
using Akka.Event;

namespace AkkaTcp.Connections;

/// <summary>
/// Wakes a server's connections at their deadlines (idle, handshake, write, heartbeat, ...): a
/// hashed wheel of <see cref="Alarm"/>s, one per connection, turned by the actor system's scheduler.
/// A connection keeps its deadlines itself and sets its alarm for the earliest; the alarm is also
/// the message it receives. Akka's per-actor timers cost every idle connection about half a KiB
/// (their scheduler, its dictionary, and a cancellable registration per timer); an alarm costs 56
/// bytes and nothing per deadline.
/// </summary>
internal sealed class ConnectionClock : IDisposable
{
    /// <summary>How often the wheel turns: the precision of every connection deadline.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(ResolutionMs);

    private const long ResolutionMs = 10;
    // A lap is 5.12 s: an alarm due later is looked at once per lap until it is due.
    private const int Buckets = 512;

    private readonly Alarm?[] _buckets = new Alarm?[Buckets];
    private readonly Lock _gate = new();
    private readonly List<Alarm> _ringing = [];
    private readonly ICancelable _turning;
    // The next tick (time / resolution) whose bucket is to be looked at.
    private long _cursor = Environment.TickCount64 / ResolutionMs;

    public ConnectionClock(IScheduler scheduler)
    {
        _turning = new Cancelable(scheduler);
        scheduler.Advanced.ScheduleRepeatedly(Resolution, Resolution, Turn, _turning);
    }

    /// <summary>
    /// Sets <paramref name="alarm"/> to ring at <paramref name="due"/> (<see cref="Environment.TickCount64"/>
    /// milliseconds) or later, unless it is set to ring earlier already; its owner then finds
    /// nothing due, and sets it again.
    /// </summary>
    public void Set(Alarm alarm, long due)
    {
        lock (_gate)
        {
            if (alarm.Bucket >= 0)
            {
                if (alarm.Due <= due)
                    return;
                Unlink(alarm);
            }
            alarm.Due = due;
            // Rounded up: the bucket is looked at once its whole tick has passed, so never early.
            var tick = Math.Max((due + ResolutionMs - 1) / ResolutionMs, _cursor);
            Link(alarm, (int)(tick % Buckets));
        }
    }

    /// <summary>Takes <paramref name="alarm"/> off the wheel (its connection has stopped).</summary>
    public void Clear(Alarm alarm)
    {
        lock (_gate)
        {
            if (alarm.Bucket >= 0)
                Unlink(alarm);
        }
    }

    public void Dispose() => _turning.Cancel();

    /// <summary>On the scheduler's thread: rings every alarm due, outside the lock.</summary>
    private void Turn()
    {
        var now = Environment.TickCount64;
        lock (_gate)
        {
            var last = now / ResolutionMs;
            // After a stall of a lap or more, one look at every bucket finds all that is due.
            var first = Math.Max(_cursor, last - Buckets + 1);
            for (var tick = first; tick <= last; tick++)
                Collect((int)(tick % Buckets), now);
            _cursor = Math.Max(_cursor, last + 1);
        }
        foreach (var alarm in _ringing)
            alarm.Owner.Tell(alarm, ActorRefs.NoSender);
        _ringing.Clear();
    }

    private void Collect(int bucket, long now)
    {
        var alarm = _buckets[bucket];
        while (alarm is not null)
        {
            var next = alarm.Next;
            if (alarm.Due <= now)
            {
                Unlink(alarm);
                _ringing.Add(alarm);
            }
            alarm = next;
        }
    }

    private void Link(Alarm alarm, int bucket)
    {
        var head = _buckets[bucket];
        alarm.Next = head;
        alarm.Previous = null;
        if (head is not null)
            head.Previous = alarm;
        _buckets[bucket] = alarm;
        alarm.Bucket = bucket;
    }

    private void Unlink(Alarm alarm)
    {
        if (alarm.Previous is null)
            _buckets[alarm.Bucket] = alarm.Next;
        else
            alarm.Previous.Next = alarm.Next;
        if (alarm.Next is not null)
            alarm.Next.Previous = alarm.Previous;
        alarm.Next = alarm.Previous = null;
        alarm.Bucket = -1;
    }

    /// <summary>
    /// A connection's place on the clock, and the message it receives when it rings (quietly
    /// dropped if the connection stopped meanwhile). Its fields belong to the clock (read and
    /// written under its lock).
    /// </summary>
    internal sealed class Alarm(IActorRef owner) : IDeadLetterSuppression
    {
        public IActorRef Owner { get; } = owner;
        internal long Due;
        internal int Bucket = -1;
        internal Alarm? Next;
        internal Alarm? Previous;
    }
}
