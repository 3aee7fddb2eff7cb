namespace AkkaTcp;

/// <summary>
/// A counter many threads add to at once without sharing a cache line: each thread adds to one
/// of 16 padded slots (by its managed thread id), and a read sums them. For per-chunk totals that
/// every connection updates (a single shared counter made the two cores of a busy host fight over
/// one cache line on every request).
/// </summary>
internal sealed class StripedCounter
{
    private const int Slots = 16;
    private const int Stride = 8; // 8 longs = 64 bytes: one cache line per slot

    private readonly long[] _values = new long[Slots * Stride];

    public void Add(long value) => Interlocked.Add(ref _values[(Environment.CurrentManagedThreadId & (Slots - 1)) * Stride], value);

    public long Sum()
    {
        long sum = 0;
        for (var i = 0; i < Slots; i++)
            sum += Volatile.Read(ref _values[i * Stride]);
        return sum;
    }
}
