using System.Net;

namespace AkkaTcp.Datagrams;

/// <summary>
/// Datagrams per second per source address: a token bucket per address (rate tokens a second,
/// burst of the same size). The table is bounded: addresses quiet for a while are forgotten on
/// a sweep, and when it is full a new address is limited until a sweep frees room, so a flood of
/// spoofed sources costs a fixed amount of memory.
/// </summary>
internal sealed class SourceRateLimiter(int perSecond, int maxSources = 65_536)
{
    private sealed class Bucket
    {
        public double Tokens;
        public long RefilledAt;
    }

    private readonly Dictionary<IPAddress, Bucket> _buckets = [];

    public int TrackedSources => _buckets.Count;

    /// <summary>True if a datagram from <paramref name="source"/> may be handled now.</summary>
    public bool TryTake(IPAddress source, long nowMilliseconds)
    {
        if (perSecond == 0)
            return true;
        if (!_buckets.TryGetValue(source, out var bucket))
        {
            if (_buckets.Count >= maxSources)
                return false;
            bucket = new Bucket { Tokens = perSecond, RefilledAt = nowMilliseconds };
            _buckets.Add(source, bucket);
        }
        var elapsed = nowMilliseconds - bucket.RefilledAt;
        if (elapsed > 0)
        {
            bucket.Tokens = Math.Min(perSecond, bucket.Tokens + elapsed * perSecond / 1000.0);
            bucket.RefilledAt = nowMilliseconds;
        }
        if (bucket.Tokens < 1)
            return false;
        bucket.Tokens -= 1;
        return true;
    }

    /// <summary>Forgets sources whose bucket has been full (quiet) for a second or more.</summary>
    public void Sweep(long nowMilliseconds)
    {
        foreach (var (source, bucket) in _buckets)
        {
            if (nowMilliseconds - bucket.RefilledAt >= 1000)
                _buckets.Remove(source);
        }
    }
}
