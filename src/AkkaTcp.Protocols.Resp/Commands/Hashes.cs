using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>The hash family, run in the key's partition.</summary>
internal static class Hashes
{
    /// <summary>HSET key field value [field value ...]: the number of fields added. HMSET: OK.</summary>
    public static RespValue Set(KeyspaceStore store, byte[][] args)
    {
        if (args.Length % 2 != 0)
            return RespValue.Error($"ERR wrong number of arguments for '{Arg.Lower(args[0])}' command");
        if (!store.TryGetOrAdd<HashValue>(args[1], out var hash))
            return RespValue.WrongType;
        var added = 0;
        for (var i = 2; i < args.Length; i += 2)
        {
            if (hash.Fields.Set(args[i], args[i + 1]))
                added++;
        }
        return Arg.Is(args[0], "HMSET"u8) ? RespValue.Ok : RespValue.Integer(added);
    }

    public static RespValue SetNx(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryGetOrAdd<HashValue>(args[1], out var hash))
            return RespValue.WrongType;
        if (hash.Fields.ContainsKey(args[2]))
            return RespValue.Integer(0);
        hash.Fields.Set(args[2], args[3]);
        return RespValue.Integer(1);
    }

    public static RespValue Get(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<HashValue>(args[1], out var hash))
            return RespValue.WrongType;
        return hash is not null && hash.Fields.TryGetValue(args[2], out var value) ? RespValue.Bulk(value) : RespValue.NullBulk;
    }

    public static RespValue MGet(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<HashValue>(args[1], out var hash))
            return RespValue.WrongType;
        var values = new RespValue[args.Length - 2];
        for (var i = 2; i < args.Length; i++)
            values[i - 2] = hash is not null && hash.Fields.TryGetValue(args[i], out var value) ? RespValue.Bulk(value) : RespValue.NullBulk;
        return RespValue.Array(values);
    }

    public static RespValue Delete(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<HashValue>(args[1], out var hash))
            return RespValue.WrongType;
        if (hash is null)
            return RespValue.Integer(0);
        var removed = 0;
        for (var i = 2; i < args.Length; i++)
        {
            if (hash.Fields.Remove(args[i]))
                removed++;
        }
        store.RemoveIfEmpty(args[1], hash.Fields.Count);
        return RespValue.Integer(removed);
    }

    public static RespValue Length(KeyspaceStore store, byte[][] args) =>
        store.TryRead<HashValue>(args[1], out var hash) ? RespValue.Integer(hash?.Fields.Count ?? 0) : RespValue.WrongType;

    public static RespValue Exists(KeyspaceStore store, byte[][] args) =>
        store.TryRead<HashValue>(args[1], out var hash)
            ? RespValue.Integer(hash is not null && hash.Fields.ContainsKey(args[2]) ? 1 : 0)
            : RespValue.WrongType;

    public static RespValue StringLength(KeyspaceStore store, byte[][] args) =>
        store.TryRead<HashValue>(args[1], out var hash)
            ? RespValue.Integer(hash is not null && hash.Fields.TryGetValue(args[2], out var value) ? value.Length : 0)
            : RespValue.WrongType;

    /// <summary>HKEYS, HVALS and HGETALL.</summary>
    public static RespValue All(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<HashValue>(args[1], out var hash))
            return RespValue.WrongType;
        if (hash is null)
            return RespValue.EmptyArray;
        bool keys = !Arg.Is(args[0], "HVALS"u8), values = !Arg.Is(args[0], "HKEYS"u8);
        var items = new List<RespValue>(hash.Fields.Count * (keys && values ? 2 : 1));
        foreach (var (field, value) in hash.Fields.Pairs())
        {
            if (keys) items.Add(RespValue.Bulk(field));
            if (values) items.Add(RespValue.Bulk(value));
        }
        return RespValue.Array([.. items]);
    }

    public static RespValue IncrementBy(KeyspaceStore store, byte[][] args)
    {
        if (!Arg.TryLong(args[3], out var delta))
            return RespValue.NotInteger;
        if (!store.TryGetOrAdd<HashValue>(args[1], out var hash))
            return RespValue.WrongType;
        long value = 0;
        if (hash.Fields.TryGetValue(args[2], out var text) && !Arg.TryLong(text, out value))
            return RespValue.Error("ERR hash value is not an integer");
        if ((delta < 0 && value < long.MinValue - delta) || (delta > 0 && value > long.MaxValue - delta))
            return RespValue.Error("ERR increment or decrement would overflow");
        hash.Fields.Set(args[2], Arg.Format(value + delta));
        return RespValue.Integer(value + delta);
    }

    public static RespValue IncrementByFloat(KeyspaceStore store, byte[][] args)
    {
        if (!LongDouble.TryParse(args[3], out var increment))
            return RespValue.NotFloat;
        if (increment.IsInfinity)
            return RespValue.Error("ERR value is NaN or Infinity");
        if (!store.TryGetOrAdd<HashValue>(args[1], out var hash))
            return RespValue.WrongType;
        var current = hash.Fields.TryGetValue(args[2], out var text) ? text : "0"u8.ToArray();
        if (Arg.AddFloats(current, args[3], out var notFloat) is not { } sum)
        {
            store.RemoveIfEmpty(args[1], hash.Fields.Count);
            return RespValue.Error(notFloat ? "ERR hash value is not a float" : "ERR increment would produce NaN or Infinity");
        }
        hash.Fields.Set(args[2], sum);
        return RespValue.Bulk(sum);
    }

    /// <summary>HRANDFIELD key [count [WITHVALUES]]: a positive count gives distinct fields, a negative one may repeat.</summary>
    public static RespValue RandomField(KeyspaceStore store, byte[][] args)
    {
        long count = 0;
        var withValues = false;
        if (args.Length >= 3 && !Arg.TryLong(args[2], out count))
            return RespValue.NotInteger;
        if (args.Length == 4)
        {
            if (!Arg.Is(args[3], "WITHVALUES"u8))
                return RespValue.Syntax;
            withValues = true;
        }
        if (args.Length > 4)
            return RespValue.Syntax;
        if (!store.TryRead<HashValue>(args[1], out var hash))
            return RespValue.WrongType;
        var fields = hash?.Fields;
        if (args.Length == 2)
            return fields is null ? RespValue.NullBulk : RespValue.Bulk(fields.KeyAt(fields.RandomSlot()));
        if (count < -RandomPicks.MaxRepeatedPicks)
            return RandomPicks.TooMany;
        if (fields is null || count == 0)
            return RespValue.EmptyArray;
        var items = new List<RespValue>();
        foreach (var slot in RandomPicks.Slots(fields, count))
        {
            items.Add(RespValue.Bulk(fields.KeyAt(slot)));
            if (withValues)
                items.Add(RespValue.Bulk(fields.ValueAt(slot)));
        }
        return RespValue.Array([.. items]);
    }

    public static RespValue Scan(KeyspaceStore store, byte[][] args) =>
        store.TryRead<HashValue>(args[1], out var hash)
            ? SlotScan.ScanCollection(hash?.Fields, args, static value => value)
            : RespValue.WrongType;
}
