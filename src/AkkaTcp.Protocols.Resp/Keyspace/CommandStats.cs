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

    public void Record(int command, long startedTimestamp, bool failed)
    {
        var ticks = Stopwatch.GetTimestamp() - startedTimestamp;
        if (Shared)
        {
            Interlocked.Increment(ref _calls[command]);
            Interlocked.Add(ref _ticks[command], ticks);
            if (failed)
                Interlocked.Increment(ref _failed[command]);
            return;
        }
        Volatile.Write(ref _calls[command], _calls[command] + 1);
        Volatile.Write(ref _ticks[command], _ticks[command] + ticks);
        if (failed)
            Volatile.Write(ref _failed[command], _failed[command] + 1);
    }

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
