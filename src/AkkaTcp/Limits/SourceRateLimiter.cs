using System.Net;

namespace AkkaTcp.Limits;

/// <summary>
/// Events per second per source address (datagrams, or new connections): a token bucket per
/// address, <c>perSecond</c> tokens a second up to <c>burst</c>. The table is bounded: an address
/// whose bucket has refilled is forgotten on a sweep (a fresh bucket is the same), and when the
/// table is full a new address is limited until a sweep frees room, so a flood from many (spoofed)
/// sources costs a fixed amount of memory. Single-threaded: its owner actor's.
/// </summary>
internal sealed class SourceRateLimiter(int perSecond, int burst, int maxSources = 65_536)
{
    private sealed class Bucket
    {
        public double Tokens;
        public long RefilledAt;
    }

    private readonly Dictionary<IPAddress, Bucket> _buckets = [];

    public int TrackedSources => _buckets.Count;

    /// <summary>True if an event from <paramref name="source"/> may pass now.</summary>
    public bool TryTake(IPAddress source, long nowMilliseconds)
    {
        if (perSecond == 0)
            return true;
        if (!_buckets.TryGetValue(source, out var bucket))
        {
            if (_buckets.Count >= maxSources)
                return false;
            bucket = new Bucket { Tokens = burst, RefilledAt = nowMilliseconds };
            _buckets.Add(source, bucket);
        }
        Refill(bucket, nowMilliseconds);
        if (bucket.Tokens < 1)
            return false;
        bucket.Tokens -= 1;
        return true;
    }

    /// <summary>Forgets the sources whose bucket is full again.</summary>
    public void Sweep(long nowMilliseconds)
    {
        foreach (var (source, bucket) in _buckets)
        {
            Refill(bucket, nowMilliseconds);
            if (bucket.Tokens >= burst)
                _buckets.Remove(source);
        }
    }

    private void Refill(Bucket bucket, long nowMilliseconds)
    {
        var elapsed = nowMilliseconds - bucket.RefilledAt;
        if (elapsed <= 0)
            return;
        bucket.Tokens = Math.Min(burst, bucket.Tokens + elapsed * perSecond / 1000.0);
        bucket.RefilledAt = nowMilliseconds;
    }
}
