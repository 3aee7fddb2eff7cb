using System.Diagnostics;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Keyspace;

/// <summary>
/// INFO commandstats for one writer (a partition, for the commands it runs) or, with
/// <see cref="Shared"/>, for all the connections (the commands they answer themselves): calls,
/// time spent, calls that answered an error, and calls refused before running (arity).
/// </summary>
internal sealed class CommandStats(bool shared)
{
    private readonly long[] _calls = new long[CommandTable.All.Length];
    private readonly long[] _ticks = new long[CommandTable.All.Length];
    private readonly long[] _failed = new long[CommandTable.All.Length];
    private readonly long[] _rejected = new long[CommandTable.All.Length];

    public bool Shared { get; } = shared;

    /// <summary>
    /// Counts one call that started at <paramref name="startedTimestamp"/> and ends now, and answers
    /// now: the start of the next command in the same run (<see cref="Start"/>).
    /// </summary>
    public long Record(int command, long startedTimestamp, bool failed)
    {
        var now = Stopwatch.GetTimestamp();
        var ticks = now - startedTimestamp;
        if (Shared)
        {
            Interlocked.Increment(ref _calls[command]);
            Interlocked.Add(ref _ticks[command], ticks);
            if (failed)
                Interlocked.Increment(ref _failed[command]);
            return now;
        }
        Volatile.Write(ref _calls[command], _calls[command] + 1);
        Volatile.Write(ref _ticks[command], _ticks[command] + ticks);
        if (failed)
            Volatile.Write(ref _failed[command], _failed[command] + 1);
        return now;
    }

    /// <summary>
    /// A command's start: the end of the command before it in the same run of commands on one
    /// thread (<paramref name="previousEnd"/>, 0 when it is the first), or now. A run of n commands
    /// so reads the clock n + 1 times instead of 2n (on a VM each read costs as much as a GET),
    /// and a command's time includes its share of the connection's work in between (decoding, routing).
    /// </summary>
    public static long Start(long previousEnd) => previousEnd != 0 ? previousEnd : Stopwatch.GetTimestamp();

    public void Reject(int command) => Interlocked.Increment(ref _rejected[command]);

    public (long Calls, long Microseconds, long Failed, long Rejected) Read(int command) =>
        (Volatile.Read(ref _calls[command]), Volatile.Read(ref _ticks[command]) * 1_000_000 / Stopwatch.Frequency,
         Volatile.Read(ref _failed[command]), Volatile.Read(ref _rejected[command]));

    /// <summary>CONFIG RESETSTAT. Partitions reset their own (by message), so that only the writer writes.</summary>
    public void Reset()
    {
        Array.Clear(_calls);
        Array.Clear(_ticks);
        Array.Clear(_failed);
        Array.Clear(_rejected);
    }
}
