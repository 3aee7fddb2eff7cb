namespace AkkaTcp.Keyspace;

/// <summary>What a write does when the keyspace is full (Redis's maxmemory-policy).</summary>
internal enum EvictionPolicy
{
    /// <summary>Refuse writes that add memory: -OOM.</summary>
    NoEviction,
    /// <summary>Evict the least recently used among sampled keys.</summary>
    AllKeysLru,
    /// <summary>Evict the least recently used among sampled keys with an expiry.</summary>
    VolatileLru,
    /// <summary>Evict the key with the nearest expiry among sampled keys with one.</summary>
    VolatileTtl,
    AllKeysRandom,
    VolatileRandom,
}

/// <summary>
/// resp's maxmemory and maxmemory-policy, shared by one server's partitions and changed live by
/// CONFIG SET. Each partition keeps its share (maxmemory / partitions): keys hash evenly, so the
/// keyspace as a whole stays within maxmemory without the partitions talking to each other.
/// </summary>
internal sealed class MemoryLimit(long maxMemory, EvictionPolicy policy, int partitions)
{
    private long _maxMemory = maxMemory;
    private int _policy = (int)policy;

    public static readonly IReadOnlyDictionary<string, EvictionPolicy> Policies = new Dictionary<string, EvictionPolicy>
    {
        ["noeviction"] = EvictionPolicy.NoEviction,
        ["allkeys-lru"] = EvictionPolicy.AllKeysLru,
        ["volatile-lru"] = EvictionPolicy.VolatileLru,
        ["volatile-ttl"] = EvictionPolicy.VolatileTtl,
        ["allkeys-random"] = EvictionPolicy.AllKeysRandom,
        ["volatile-random"] = EvictionPolicy.VolatileRandom,
    };

    /// <summary>Bytes; 0 = no limit.</summary>
    public long MaxMemory
    {
        get => Volatile.Read(ref _maxMemory);
        set => Volatile.Write(ref _maxMemory, value);
    }

    public EvictionPolicy Policy
    {
        get => (EvictionPolicy)Volatile.Read(ref _policy);
        set => Volatile.Write(ref _policy, (int)value);
    }

    public string PolicyName => Policies.First(pair => pair.Value == Policy).Key;

    /// <summary>One partition's share, 0 = no limit.</summary>
    public long PerPartition => MaxMemory == 0 ? 0 : Math.Max(1, MaxMemory / partitions);

    /// <summary>Redis's memory units: b, k = 1000, kb = 1024, m, mb, g, gb; case-insensitive; no sign.</summary>
    public static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        var lower = text.Trim().ToLowerInvariant();
        var digits = lower.TakeWhile(char.IsAsciiDigit).Count();
        if (digits == 0 || !long.TryParse(lower.AsSpan(0, digits), System.Globalization.CultureInfo.InvariantCulture, out var number))
            return false;
        long? unit = lower[digits..] switch
        {
            "" or "b" => 1,
            "k" => 1000,
            "kb" => 1024,
            "m" => 1000 * 1000,
            "mb" => 1024 * 1024,
            "g" => 1000L * 1000 * 1000,
            "gb" => 1024L * 1024 * 1024,
            _ => null,
        };
        if (unit is not { } u || number > long.MaxValue / u)
            return false;
        bytes = number * u;
        return true;
    }
}
