using System.Diagnostics;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Keyspace;

/// <summary>
/// INFO commandstats for one writer (a partition, for the commands it runs) or, with
/// <see cref="Shared"/>, for all the connections (the commands they answer themselves): calls,
/// time spent, calls that answered an error, and calls refused before running (arity). Every call
/// is counted; the time is measured on one call in <see cref="TimedEvery"/> of each command (its
/// first, then every 16th) and scaled to all its calls, because on a VM a clock read costs about
/// as much as a GET.
/// </summary>
internal sealed class CommandStats(bool shared)
{
    /// <summary>One call in this many of each command is timed (a power of two).</summary>
    public const int TimedEvery = 16;

    private readonly long[] _calls = new long[CommandTable.All.Length];
    private readonly long[] _timedCalls = new long[CommandTable.All.Length];
    private readonly long[] _timedTicks = new long[CommandTable.All.Length];
    private readonly long[] _failed = new long[CommandTable.All.Length];
    private readonly long[] _rejected = new long[CommandTable.All.Length];

    public bool Shared { get; } = shared;

    /// <summary>For a call of <paramref name="command"/> about to run: the clock now if this call is one to time, else 0.</summary>
    public long StartTimer(int command) =>
        (Volatile.Read(ref _calls[command]) & (TimedEvery - 1)) == 0 ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Counts one call; <paramref name="timer"/> is what <see cref="StartTimer"/> gave it.</summary>
    public void Record(int command, long timer, bool failed)
    {
        var ticks = timer == 0 ? 0 : Stopwatch.GetTimestamp() - timer;
        if (Shared)
        {
            Interlocked.Increment(ref _calls[command]);
            if (timer != 0)
            {
                Interlocked.Increment(ref _timedCalls[command]);
                Interlocked.Add(ref _timedTicks[command], ticks);
            }
            if (failed)
                Interlocked.Increment(ref _failed[command]);
            return;
        }
        Volatile.Write(ref _calls[command], _calls[command] + 1);
        if (timer != 0)
        {
            Volatile.Write(ref _timedCalls[command], _timedCalls[command] + 1);
            Volatile.Write(ref _timedTicks[command], _timedTicks[command] + ticks);
        }
        if (failed)
            Volatile.Write(ref _failed[command], _failed[command] + 1);
    }

    public void Reject(int command) => Interlocked.Increment(ref _rejected[command]);

    /// <summary>The counts, and the time of all calls estimated from the timed ones (0 before any).</summary>
    public (long Calls, long Microseconds, long Failed, long Rejected) Read(int command)
    {
        var calls = Volatile.Read(ref _calls[command]);
        var timed = Volatile.Read(ref _timedCalls[command]);
        var microseconds = timed == 0 ? 0 : (long)((double)Volatile.Read(ref _timedTicks[command]) / timed * calls * 1_000_000 / Stopwatch.Frequency);
        return (calls, microseconds, Volatile.Read(ref _failed[command]), Volatile.Read(ref _rejected[command]));
    }

    /// <summary>CONFIG RESETSTAT. Partitions reset their own (by message), so that only the writer writes.</summary>
    public void Reset()
    {
        Array.Clear(_calls);
        Array.Clear(_timedCalls);
        Array.Clear(_timedTicks);
        Array.Clear(_failed);
        Array.Clear(_rejected);
    }
}
