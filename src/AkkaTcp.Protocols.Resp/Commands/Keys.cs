using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>
/// The generic keyspace family (DEL, EXISTS, TYPE, RENAME, COPY, OBJECT, ...) and the parts of the
/// commands that ask every partition (KEYS, SCAN, DBSIZE, RANDOMKEY, FLUSHALL, INFO keyspace).
/// </summary>
internal static class Keys
{
    /// <summary>DEL and UNLINK of this partition's keys: how many existed (the connection sums the partitions').</summary>
    public static RespValue Delete(KeyspaceStore store, byte[][] args)
    {
        var deleted = 0;
        for (var i = 1; i < args.Length; i++)
        {
            if (store.Find(args[i]) is not null && store.Remove(args[i]))
                deleted++;
        }
        return RespValue.Integer(deleted);
    }

    /// <summary>EXISTS and TOUCH of this partition's keys: how many exist, a key named twice counted twice.</summary>
    public static RespValue Exists(KeyspaceStore store, byte[][] args)
    {
        var found = 0;
        for (var i = 1; i < args.Length; i++)
        {
            if (store.Read(args[i]) is not null)
                found++;
        }
        return RespValue.Integer(found);
    }

    public static RespValue Type(KeyspaceStore store, byte[][] args) =>
        RespValue.Simple(store.Find(args[1])?.TypeName ?? "none");

    /// <summary>RENAME and RENAMENX with both keys in this partition; the expiry moves with the key.</summary>
    public static RespValue Rename(KeyspaceStore store, byte[][] args)
    {
        var onlyNew = Arg.Is(args[0], "RENAMENX"u8);
        var entry = store.Find(args[1]);
        if (entry is null)
            return RespValue.NoSuchKey;
        if (ByteKeyComparer.Instance.Equals(args[1], args[2]))
            return onlyNew ? RespValue.Integer(0) : RespValue.Ok;
        if (onlyNew && store.Find(args[2]) is not null)
            return RespValue.Integer(0);
        store.Remove(args[1]);
        store.Place(args[2], entry.Value, entry.ExpiresAt);
        return onlyNew ? RespValue.Integer(1) : RespValue.Ok;
    }

    /// <summary>COPY's options after the two keys: [DB 0] [REPLACE]; null when valid.</summary>
    public static RespValue? CopyOptions(byte[][] args, out bool replace)
    {
        replace = false;
        for (var i = 3; i < args.Length; i++)
        {
            if (Arg.Is(args[i], "REPLACE"u8))
                replace = true;
            else if (Arg.Is(args[i], "DB"u8) && i + 1 < args.Length)
            {
                if (!Arg.TryLong(args[++i], out var db))
                    return RespValue.NotInteger;
                if (db != 0)
                    return RespValue.Error("ERR DB index is out of range");
            }
            else
                return RespValue.Syntax;
        }
        if (ByteKeyComparer.Instance.Equals(args[1], args[2]))
            return RespValue.Error("ERR source and destination objects are the same");
        return null;
    }

    /// <summary>COPY source destination [DB 0] [REPLACE] with both keys in this partition.</summary>
    public static RespValue Copy(KeyspaceStore store, byte[][] args)
    {
        if (CopyOptions(args, out var replace) is { } error)
            return error;
        var source = store.Find(args[1]);
        if (source is null || (!replace && store.Find(args[2]) is not null))
            return RespValue.Integer(0);
        store.Place(args[2], source.CloneValue(), source.ExpiresAt);
        return RespValue.Integer(1);
    }

    /// <summary>OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key: read without touching the key.</summary>
    public static RespValue Object(KeyspaceStore store, byte[][] args)
    {
        var sub = args[1];
        var known = Arg.Is(sub, "ENCODING"u8) || Arg.Is(sub, "REFCOUNT"u8) || Arg.Is(sub, "IDLETIME"u8) || Arg.Is(sub, "FREQ"u8);
        if (!known)
            return RespValue.Error($"ERR unknown subcommand '{Arg.Text(sub)}'. Try OBJECT HELP.");
        if (args.Length != 3)
            return RespValue.Error($"ERR wrong number of arguments for 'object|{Arg.Lower(sub)}' command");
        var noTouch = store.NoTouch;
        store.NoTouch = true;
        var entry = store.Find(args[2]);
        store.NoTouch = noTouch;
        if (entry is null)
            return RespValue.NullBulk;
        if (Arg.Is(sub, "REFCOUNT"u8))
            return RespValue.Integer(1);
        if (Arg.Is(sub, "IDLETIME"u8))
            return RespValue.Integer((long)System.Diagnostics.Stopwatch.GetElapsedTime(entry.LastUsed).TotalSeconds);
        if (Arg.Is(sub, "FREQ"u8))
            return RespValue.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        return RespValue.Bulk(Encoding(entry.Value));
    }

    /// <summary>
    /// Strings as Redis names them (int, embstr up to 44 bytes, raw); collections by what holds them
    /// here: hashes and sets are hash tables, lists a ring buffer (reported as Redis's general
    /// list encoding, quicklist). Redis's compact small encodings (listpack, intset) are not used.
    /// </summary>
    private static string Encoding(object value) => value switch
    {
        byte[] text when text.Length <= 20 && Arg.TryLong(text, out _) => "int",
        byte[] { Length: <= 44 } => "embstr",
        byte[] => "raw",
        ListValue => "quicklist",
        _ => "hashtable",
    };

    /// <summary>KEYS pattern, this partition's part.</summary>
    public static RespValue List(KeyspaceStore store, byte[][] args)
    {
        store.SweepExpired();
        var all = args[1].AsSpan().SequenceEqual("*"u8); // as Redis: every key, the empty one too
        var keys = new List<byte[]>();
        foreach (var (key, _) in store.Keys.Pairs())
        {
            if (all || GlobPattern.Matches(args[1], key))
                keys.Add(key);
        }
        return RespValue.BulkArray(keys);
    }

    /// <summary>SCAN, this partition's part: args[1] is the slot to go on from; answers [next slot (0 = done), keys].</summary>
    public static RespValue Scan(KeyspaceStore store, byte[][] args)
    {
        if (SlotScan.ParseOptions(args, 2, allowType: true, out var options) is { } error)
            return error;
        var keys = new List<RespValue>();
        var next = SlotScan.Walk(store.Keys, long.Parse(Arg.Text(args[1]), System.Globalization.CultureInfo.InvariantCulture), options.Count, slot =>
        {
            var key = store.Keys.KeyAt(slot)!;
            var entry = store.Keys.ValueAt(slot);
            if (entry.ExpiresAt != 0 && entry.ExpiresAt <= KeyspaceStore.Now)
                return;
            if (SlotScan.Matches(options, key) && (options.Type is null || options.Type == entry.TypeName))
                keys.Add(RespValue.Bulk(key));
        });
        return RespValue.Array([RespValue.Integer(next), RespValue.Array([.. keys])]);
    }

    public static RespValue Count(KeyspaceStore store, byte[][] args)
    {
        store.SweepExpired();
        return RespValue.Integer(store.Keys.Count);
    }

    /// <summary>RANDOMKEY, this partition's part: [how many keys, one of them or nil].</summary>
    public static RespValue Random(KeyspaceStore store, byte[][] args)
    {
        for (var attempt = 0; attempt < 100 && store.Keys.Count > 0; attempt++)
        {
            var key = store.Keys.KeyAt(store.Keys.RandomSlot())!;
            if (store.Find(key) is not null)
                return RespValue.Array([RespValue.Integer(store.Keys.Count), RespValue.Bulk(key)]);
        }
        return RespValue.Array([RespValue.Integer(0), RespValue.NullBulk]);
    }

    public static RespValue Flush(KeyspaceStore store, byte[][] args)
    {
        store.Flush();
        return RespValue.Ok;
    }

    /// <summary>INFO's figures, this partition's part: [keys, keys with an expiry, their total ttl in ms, hits, misses, expired, evicted, estimated bytes].</summary>
    public static RespValue Describe(KeyspaceStore store, byte[][] args)
    {
        store.SweepExpired();
        return RespValue.Array(
        [
            RespValue.Integer(store.Keys.Count), RespValue.Integer(store.Expiring), RespValue.Integer(store.TotalTtlMilliseconds()),
            RespValue.Integer(store.Hits), RespValue.Integer(store.Misses), RespValue.Integer(store.ExpiredKeys),
            RespValue.Integer(store.EvictedKeys), RespValue.Integer(store.UsedBytes),
        ]);
    }

    public static RespValue ResetStats(KeyspaceStore store, byte[][] args)
    {
        store.ResetStats();
        return RespValue.Ok;
    }

    /// <summary>COPY between partitions, first half: a copy of the key's value and expiry (nil if missing).</summary>
    public static RespValue Peek(KeyspaceStore store, byte[][] args)
    {
        var entry = store.Find(args[1]);
        return entry is null ? RespValue.NullBulk : new EntryValue(entry.CloneValue(), entry.ExpiresAt);
    }

    /// <summary>COPY between partitions, second half: puts the <see cref="EntryValue"/> carried along; args[2] is REPLACE or NX. Answers 1 if put.</summary>
    public static RespValue Put(KeyspaceStore store, byte[][] args)
    {
        var value = (EntryValue)store.Payload!;
        if (Arg.Is(args[2], "NX"u8) && store.Find(args[1]) is not null)
            return RespValue.Integer(0);
        store.Place(args[1], value.Value, value.ExpiresAt);
        return RespValue.Integer(1);
    }
}

/// <summary>A key's value in transit between partitions (RENAME, COPY) with its expiry; never written to a client.</summary>
internal sealed class EntryValue(object value, long expiresAt) : RespValue
{
    public object Value { get; } = value;
    public long ExpiresAt { get; } = expiresAt;

    public override void Write(AkkaTcp.Protocols.IConnectionContext<AkkaTcp.Protocols.Resp.RespReply> c) =>
        throw new InvalidOperationException("a value in transit between partitions is not a reply");
}
