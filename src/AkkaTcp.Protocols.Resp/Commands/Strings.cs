using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>The string family, run in the key's partition: args[0] is the command's name, args[1] its key.</summary>
internal static class Strings
{
    public static RespValue Get(KeyspaceStore store, byte[][] args) =>
        store.TryRead<byte[]>(args[1], out var value) ? RespValue.Bulk(value) : RespValue.WrongType;

    /// <summary>MGET's part, this partition's keys: another type reads as nil, not WRONGTYPE.</summary>
    public static RespValue GetOrNil(KeyspaceStore store, byte[][] args)
    {
        var values = new RespValue[args.Length - 1];
        for (var i = 1; i < args.Length; i++)
            values[i - 1] = RespValue.Bulk(store.Read(args[i])?.Value as byte[]);
        return RespValue.Array(values);
    }

    /// <summary>MSET's part, this partition's keys and values.</summary>
    public static RespValue SetPairs(KeyspaceStore store, byte[][] args)
    {
        for (var i = 1; i < args.Length; i += 2)
            store.Put(args[i], args[i + 1], 0);
        return RespValue.Ok;
    }

    public static RespValue Set(KeyspaceStore store, byte[][] args)
    {
        var condition = 0; // 1 = NX, 2 = XX
        var returnOld = false;
        var keepTtl = false;
        long expiresAt = 0;
        for (var i = 3; i < args.Length; i++)
        {
            var option = args[i];
            if (Arg.Is(option, "NX"u8) && condition == 0) condition = 1;
            else if (Arg.Is(option, "XX"u8) && condition == 0) condition = 2;
            else if (Arg.Is(option, "GET"u8)) returnOld = true;
            else if (Arg.Is(option, "KEEPTTL"u8) && expiresAt == 0) keepTtl = true;
            else if (Expiry.IsTimeOption(option) && expiresAt == 0 && !keepTtl && i + 1 < args.Length)
            {
                if (Expiry.ParseTime(option, args[++i], "set", out expiresAt) is { } error)
                    return error;
            }
            else
                return RespValue.Syntax;
        }
        var existing = store.Find(args[1]);
        if (returnOld && existing is not null && existing.Value is not byte[])
            return RespValue.WrongType;
        var old = existing?.Value as byte[];
        if ((condition == 1 && existing is not null) || (condition == 2 && existing is null))
            return returnOld ? RespValue.Bulk(old) : RespValue.NullBulk;
        if (existing is null)
            store.Put(args[1], args[2], expiresAt);
        else
            store.Overwrite(args[1], existing, args[2], keepTtl ? existing.ExpiresAt : expiresAt);
        return returnOld ? RespValue.Bulk(old) : RespValue.Ok;
    }

    public static RespValue SetNx(KeyspaceStore store, byte[][] args)
    {
        if (store.Find(args[1]) is not null)
            return RespValue.Integer(0);
        store.Put(args[1], args[2], 0);
        return RespValue.Integer(1);
    }

    /// <summary>SETEX and PSETEX: key, time, value.</summary>
    public static RespValue SetWithExpiry(KeyspaceStore store, byte[][] args)
    {
        var milliseconds = Arg.Is(args[0], "PSETEX"u8);
        if (!Arg.TryLong(args[2], out var amount))
            return RespValue.NotInteger;
        var name = milliseconds ? "psetex" : "setex";
        if (amount <= 0 || Expiry.TryAt(amount, milliseconds, relative: true) is not { } at)
            return Expiry.InvalidTime(name);
        store.Put(args[1], args[3], at);
        return RespValue.Ok;
    }

    public static RespValue GetSet(KeyspaceStore store, byte[][] args)
    {
        var existing = store.Find(args[1]);
        if (existing is not null && existing.Value is not byte[])
            return RespValue.WrongType;
        var old = existing?.Value as byte[];
        store.Put(args[1], args[2], 0);
        return RespValue.Bulk(old);
    }

    public static RespValue GetDel(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<byte[]>(args[1], out var value))
            return RespValue.WrongType;
        if (value is not null)
            store.Remove(args[1]);
        return RespValue.Bulk(value);
    }

    public static RespValue GetEx(KeyspaceStore store, byte[][] args)
    {
        long expiresAt = -1; // -1 = leave as it is, 0 = PERSIST
        for (var i = 2; i < args.Length; i++)
        {
            if (Arg.Is(args[i], "PERSIST"u8) && expiresAt == -1)
                expiresAt = 0;
            else if (Expiry.IsTimeOption(args[i]) && expiresAt == -1 && i + 1 < args.Length)
            {
                if (Expiry.ParseTime(args[i], args[++i], "getex", out expiresAt) is { } error)
                    return error;
            }
            else
                return RespValue.Syntax;
        }
        var entry = store.Read(args[1]);
        if (entry is null)
            return RespValue.NullBulk;
        if (entry.Value is not byte[] value)
            return RespValue.WrongType;
        if (expiresAt > 0 && expiresAt <= KeyspaceStore.Now)
            store.Remove(args[1]);
        else if (expiresAt >= 0)
            store.SetExpiry(args[1], entry, expiresAt);
        return RespValue.Bulk(value);
    }

    /// <summary>INCR, DECR, INCRBY, DECRBY.</summary>
    public static RespValue IncrementBy(KeyspaceStore store, byte[][] args)
    {
        long delta;
        if (args.Length == 2)
            delta = Arg.Is(args[0], "DECR"u8) ? -1 : 1;
        else if (!Arg.TryLong(args[2], out delta))
            return RespValue.NotInteger;
        else if (Arg.Is(args[0], "DECRBY"u8) && delta == long.MinValue)
            return RespValue.Error("ERR decrement would overflow");
        else if (Arg.Is(args[0], "DECRBY"u8))
            delta = -delta;
        var entry = store.Find(args[1]);
        long value = 0;
        if (entry is not null)
        {
            if (entry.Value is not byte[] text)
                return RespValue.WrongType;
            if (!Arg.TryLong(text, out value))
                return RespValue.NotInteger;
        }
        if ((delta < 0 && value < long.MinValue - delta) || (delta > 0 && value > long.MaxValue - delta))
            return RespValue.Error("ERR increment or decrement would overflow");
        value += delta;
        store.Put(args[1], Arg.Format(value), entry?.ExpiresAt ?? 0);
        return RespValue.Integer(value);
    }

    public static RespValue IncrementByFloat(KeyspaceStore store, byte[][] args)
    {
        var entry = store.Find(args[1]);
        if (entry is not null && entry.Value is not byte[])
            return RespValue.WrongType;
        var current = entry?.Value as byte[] ?? "0"u8.ToArray();
        if (Arg.AddFloats(current, args[2], out var notFloat) is not { } sum)
            return notFloat ? RespValue.NotFloat : RespValue.Error("ERR increment would produce NaN or Infinity");
        store.Put(args[1], sum, entry?.ExpiresAt ?? 0);
        return RespValue.Bulk(sum);
    }

    public static RespValue Append(KeyspaceStore store, byte[][] args)
    {
        var entry = store.Find(args[1]);
        if (entry is null)
        {
            store.Put(args[1], args[2], 0);
            return RespValue.Integer(args[2].Length);
        }
        if (entry.Value is not byte[] value)
            return RespValue.WrongType;
        if ((long)value.Length + args[2].Length > store.MaxStringLength)
            return TooLong;
        store.Overwrite(args[1], entry, (byte[])[.. value, .. args[2]], entry.ExpiresAt);
        return RespValue.Integer(value.Length + args[2].Length);
    }

    public static readonly RespValue TooLong = RespValue.Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");

    public static RespValue Length(KeyspaceStore store, byte[][] args) =>
        store.TryRead<byte[]>(args[1], out var value) ? RespValue.Integer(value?.Length ?? 0) : RespValue.WrongType;

    /// <summary>GETRANGE and SUBSTR: negative indexes count from the end, out of range is clamped.</summary>
    public static RespValue GetRange(KeyspaceStore store, byte[][] args)
    {
        if (!Arg.TryLong(args[2], out var start) || !Arg.TryLong(args[3], out var end))
            return RespValue.NotInteger;
        if (!store.TryRead<byte[]>(args[1], out var value))
            return RespValue.WrongType;
        value ??= [];
        long length = value.Length;
        if (start < 0 && end < 0 && start > end)
            return RespValue.Bulk([]);
        if (start < 0) start = length + start;
        if (end < 0) end = length + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= length) end = length - 1;
        if (length == 0 || start > end)
            return RespValue.Bulk([]);
        return RespValue.Bulk(value.AsSpan((int)start, (int)(end - start + 1)).ToArray());
    }

    public static RespValue SetRange(KeyspaceStore store, byte[][] args)
    {
        if (!Arg.TryLong(args[2], out var offset))
            return RespValue.NotInteger;
        if (offset < 0)
            return RespValue.Error("ERR offset is out of range");
        var entry = store.Find(args[1]);
        if (entry is not null && entry.Value is not byte[])
            return RespValue.WrongType;
        var value = entry?.Value as byte[] ?? [];
        var patch = args[3];
        if (patch.Length == 0)
            return RespValue.Integer(value.Length);
        if (offset + patch.Length > store.MaxStringLength)
            return TooLong;
        var result = value;
        if (offset + patch.Length > value.Length)
        {
            result = new byte[offset + patch.Length];
            value.CopyTo(result, 0);
        }
        else
            result = (byte[])value.Clone(); // a value may be shared (COPY, replies in flight): never changed in place
        patch.CopyTo(result, (int)offset);
        if (entry is null)
            store.Put(args[1], result, 0);
        else
            store.Overwrite(args[1], entry, result, entry.ExpiresAt);
        return RespValue.Integer(result.Length);
    }

    /// <summary>MSETNX with all its keys in this partition: all set, or none if any exists.</summary>
    public static RespValue MSetNx(KeyspaceStore store, byte[][] args)
    {
        for (var i = 1; i < args.Length; i += 2)
        {
            if (store.Find(args[i]) is not null)
                return RespValue.Integer(0);
        }
        for (var i = 1; i < args.Length; i += 2)
            store.Put(args[i], args[i + 1], 0);
        return RespValue.Integer(1);
    }

    /// <summary>LCS with both keys in this partition.</summary>
    public static RespValue Lcs(KeyspaceStore store, byte[][] args)
    {
        var a = store.Read(args[1]);
        var b = store.Read(args[2]);
        if ((a is not null && a.Value is not byte[]) || (b is not null && b.Value is not byte[]))
            return LongestCommonSubsequence.NotStrings;
        return LongestCommonSubsequence.Reply(a?.Value as byte[] ?? [], b?.Value as byte[] ?? [], args, store.MaxStringLength);
    }
}
