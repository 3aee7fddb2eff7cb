namespace AkkaTcp.Keyspace;

/// <summary>
/// The keys of one partition and the rules every command family shares: lazy expiry, types
/// (WRONGTYPE), a collection emptied is a key deleted, and the counters INFO reports. Used by one
/// partition actor only, so nothing here is synchronised except the counters INFO reads.
/// </summary>
internal sealed class KeyspaceStore(long maxStringLength, int partitions = 1)
{
    /// <summary>The partition of a key (a command that forwards work to another partition asks).</summary>
    public int PartitionOf(byte[] key) => ByteKeyComparer.Partition(key, partitions);

    private const int EvictionSamples = 5; // Redis's maxmemory-samples default

    private readonly HashSet<byte[]> _expiring = new(ByteKeyComparer.Instance);
    private long _hits;
    private long _misses;
    private long _expired;
    private long _evicted;
    private long _used;

    public SlotMap<Entry> Keys { get; } = new();

    /// <summary>Redis's proto-max-bulk-len (resp.max-bulk-length): the longest string SETRANGE, APPEND and SETBIT may make.</summary>
    public long MaxStringLength { get; } = maxStringLength;

    /// <summary>Set for the command being run: when it started (Stopwatch ticks), the keys' last use.</summary>
    public long CommandStarted { get; set; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Set for the command being run: CLIENT NO-TOUCH, the key's idle time is left alone.</summary>
    public bool NoTouch { get; set; }

    /// <summary>Set for the command being run: what it carries besides its arguments (a value moved between partitions).</summary>
    public object? Payload { get; set; }

    /// <summary>Lists that received values during the command being run; blocked clients are served from them after it.</summary>
    public List<byte[]> ListsPushed { get; } = [];

    public long Hits => Volatile.Read(ref _hits);
    public long Misses => Volatile.Read(ref _misses);
    public long ExpiredKeys => Volatile.Read(ref _expired);
    public long EvictedKeys => Volatile.Read(ref _evicted);

    /// <summary>The estimated memory of the keys (Entry.MeasureSize), what maxmemory is held to.</summary>
    public long UsedBytes => Volatile.Read(ref _used);
    public int Expiring => _expiring.Count;

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The live entry of a key (an expired one is deleted first), marked as used.</summary>
    public Entry? Find(byte[] key)
    {
        if (!Keys.TryGetValue(key, out var entry))
            return null;
        if (entry.ExpiresAt != 0 && entry.ExpiresAt <= Now)
        {
            Remove(key);
            Volatile.Write(ref _expired, _expired + 1);
            return null;
        }
        if (!NoTouch)
            entry.LastUsed = CommandStarted;
        if (entry.Value is not byte[])
            _collectionsUsed.Add((key, entry)); // may change in place: measured again after the command
        return entry;
    }

    private readonly List<(byte[] Key, Entry Entry)> _collectionsUsed = [];

    /// <summary>
    /// After a command that may have written: the hashes, lists and sets it looked up are measured
    /// again (their sizes change in place; strings are measured when set).
    /// </summary>
    public void MeasureCollectionsUsed()
    {
        foreach (var (key, entry) in _collectionsUsed)
        {
            if (!entry.Removed)
                Measure(key, entry);
        }
        _collectionsUsed.Clear();
    }

    /// <summary>Like <see cref="Find"/> for a command that reads the key: counts a keyspace hit or miss.</summary>
    public Entry? Read(byte[] key)
    {
        var entry = Find(key);
        if (entry is null)
            Volatile.Write(ref _misses, _misses + 1);
        else
            Volatile.Write(ref _hits, _hits + 1);
        return entry;
    }

    /// <summary>A key's value if it has type <typeparamref name="T"/>; null if missing; false if it holds another type.</summary>
    public bool TryRead<T>(byte[] key, out T? value) where T : class
    {
        var entry = Read(key);
        value = entry?.Value as T;
        return entry is null || value is not null;
    }

    /// <summary>A key's value of type <typeparamref name="T"/>, created empty if missing; false if it holds another type.</summary>
    public bool TryGetOrAdd<T>(byte[] key, out T value) where T : class, new()
    {
        var entry = Find(key);
        if (entry is null)
        {
            value = new T();
            _collectionsUsed.Add((key, Put(key, value, 0)));
            return true;
        }
        value = (entry.Value as T)!;
        return value is not null;
    }

    /// <summary>Sets a key's value (a new key, or an overwrite keeping its slot) with an expiry (0 = none).</summary>
    public Entry Put(byte[] key, object value, long expiresAt)
    {
        if (Keys.TryGetValue(key, out var entry))
        {
            entry.Value = value;
            entry.LastUsed = CommandStarted;
        }
        else
        {
            entry = new Entry(value, expiresAt, CommandStarted);
            Keys.Set(key, entry);
        }
        SetExpiry(key, entry, expiresAt);
        Measure(key, entry);
        return entry;
    }

    private void Measure(byte[] key, Entry entry)
    {
        var size = entry.MeasureSize(key);
        Volatile.Write(ref _used, _used + size - entry.Size);
        entry.Size = size;
    }

    /// <summary>
    /// Makes room before a command that may add memory: evicts keys by <paramref name="policy"/>,
    /// sampling a few keys per eviction as Redis does, until the partition holds at most
    /// <paramref name="limit"/> bytes. False when it cannot (noeviction, or no key the policy may
    /// evict): the command is refused.
    /// </summary>
    public bool MakeRoom(long limit, EvictionPolicy policy)
    {
        while (_used > limit)
        {
            if (policy == EvictionPolicy.NoEviction || PickVictim(policy) is not { } victim)
                return false;
            Remove(victim);
            Volatile.Write(ref _evicted, _evicted + 1);
        }
        return true;
    }

    private byte[]? PickVictim(EvictionPolicy policy)
    {
        var volatileOnly = policy is EvictionPolicy.VolatileLru or EvictionPolicy.VolatileTtl or EvictionPolicy.VolatileRandom;
        if (volatileOnly && _expiring.Count == 0)
            return null;
        byte[]? best = null;
        Entry? bestEntry = null;
        var sampled = 0;
        for (var attempt = 0; attempt < EvictionSamples * 20 && sampled < EvictionSamples && Keys.Count > 0; attempt++)
        {
            var slot = Keys.RandomSlot();
            var entry = Keys.ValueAt(slot);
            if (volatileOnly && entry.ExpiresAt == 0)
                continue;
            sampled++;
            var better = bestEntry is null || policy switch
            {
                EvictionPolicy.AllKeysLru or EvictionPolicy.VolatileLru => entry.LastUsed < bestEntry.LastUsed,
                EvictionPolicy.VolatileTtl => entry.ExpiresAt < bestEntry.ExpiresAt,
                _ => false,
            };
            if (better)
                (best, bestEntry) = (Keys.KeyAt(slot), entry);
        }
        if (best is null && volatileOnly)
            best = _expiring.First(); // few keys with an expiry among many: take one directly
        return best;
    }

    /// <summary>Sets the value of a key <see cref="Find"/> just returned, without looking it up again.</summary>
    public void Overwrite(byte[] key, Entry entry, object value, long expiresAt)
    {
        entry.Value = value;
        if (expiresAt != entry.ExpiresAt)
            SetExpiry(key, entry, expiresAt);
        Measure(key, entry);
    }

    /// <summary>
    /// Puts a value that comes from another key (RENAME, COPY, a move between partitions) with its
    /// expiry: one already past deletes the key instead; a list wakes the clients blocked on the key.
    /// </summary>
    public void Place(byte[] key, object value, long expiresAt)
    {
        if (expiresAt != 0 && expiresAt <= Now)
            Remove(key);
        else
            Put(key, value, expiresAt);
        if (value is ListValue)
            OnListPushed(key);
    }

    public void SetExpiry(byte[] key, Entry entry, long expiresAt)
    {
        entry.ExpiresAt = expiresAt;
        if (expiresAt != 0)
            _expiring.Add(key);
        else
            _expiring.Remove(key);
    }

    public bool Remove(byte[] key)
    {
        _expiring.Remove(key);
        if (!Keys.Remove(key, out var entry))
            return false;
        Volatile.Write(ref _used, _used - entry.Size);
        entry.Removed = true;
        return true;
    }

    /// <summary>Deletes a key whose collection a command emptied: Redis keeps no empty hash, list or set.</summary>
    public void RemoveIfEmpty(byte[] key, int count)
    {
        if (count == 0)
            Remove(key);
    }

    public void OnListPushed(byte[] key) => ListsPushed.Add(key);

    public void Flush()
    {
        Keys.Clear();
        _expiring.Clear();
        _collectionsUsed.Clear();
        Volatile.Write(ref _used, 0);
    }

    public void SweepExpired()
    {
        if (_expiring.Count == 0)
            return;
        var now = Now;
        List<byte[]>? expired = null;
        foreach (var key in _expiring)
        {
            if (Keys.TryGetValue(key, out var entry) && entry.ExpiresAt <= now)
                (expired ??= []).Add(key);
        }
        if (expired is null)
            return;
        foreach (var key in expired)
            Remove(key);
        Volatile.Write(ref _expired, _expired + expired.Count);
    }

    /// <summary>The sum of the remaining times to live of the keys with an expiry (INFO keyspace's avg_ttl).</summary>
    public long TotalTtlMilliseconds()
    {
        var now = Now;
        long total = 0;
        foreach (var key in _expiring)
            total += Math.Max(0, Keys.TryGetValue(key, out var entry) ? entry.ExpiresAt - now : 0);
        return total;
    }

    public void ResetStats()
    {
        Volatile.Write(ref _hits, 0);
        Volatile.Write(ref _misses, 0);
        Volatile.Write(ref _expired, 0);
        Volatile.Write(ref _evicted, 0);
    }
}
