using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>The list family, run in the key's partition. Pushes are recorded so that blocked clients are served after the command.</summary>
internal static class Lists
{
    /// <summary>LPUSH, RPUSH, LPUSHX, RPUSHX: the list's length after the push (0 for an X on a missing key).</summary>
    public static RespValue Push(KeyspaceStore store, byte[][] args)
    {
        var left = args[0][0] is (byte)'L' or (byte)'l';
        var onlyExisting = args[0].Length == 6;
        ListValue list;
        if (onlyExisting)
        {
            if (!store.TryRead<ListValue>(args[1], out var existing))
                return RespValue.WrongType;
            if (existing is null)
                return RespValue.Integer(0);
            list = existing;
        }
        else if (!store.TryGetOrAdd(args[1], out list))
            return RespValue.WrongType;
        for (var i = 2; i < args.Length; i++)
            list.Push(left, args[i]);
        store.OnListPushed(args[1]);
        return RespValue.Integer(list.Count);
    }

    /// <summary>LPOP and RPOP key [count].</summary>
    public static RespValue Pop(KeyspaceStore store, byte[][] args)
    {
        var left = args[0][0] is (byte)'L' or (byte)'l';
        long count = 1;
        if (args.Length == 3 && (!Arg.TryLong(args[2], out count) || count < 0))
            return RespValue.MustBePositive;
        if (!store.TryRead<ListValue>(args[1], out var list))
            return RespValue.WrongType;
        if (list is null)
            return args.Length == 3 ? RespValue.NullArray : RespValue.NullBulk;
        if (args.Length == 2)
            return RespValue.Bulk(PopOne(store, args[1], list, left));
        var popped = new RespValue[Math.Min(count, list.Count)];
        for (var i = 0; i < popped.Length; i++)
            popped[i] = RespValue.Bulk(list.Pop(left));
        store.RemoveIfEmpty(args[1], list.Count);
        return RespValue.Array(popped);
    }

    public static byte[] PopOne(KeyspaceStore store, byte[] key, ListValue list, bool left)
    {
        var value = list.Pop(left);
        store.RemoveIfEmpty(key, list.Count);
        return value;
    }

    public static RespValue Length(KeyspaceStore store, byte[][] args) =>
        store.TryRead<ListValue>(args[1], out var list) ? RespValue.Integer(list?.Count ?? 0) : RespValue.WrongType;

    public static RespValue Range(KeyspaceStore store, byte[][] args)
    {
        if (!Arg.TryLong(args[2], out var start) || !Arg.TryLong(args[3], out var end))
            return RespValue.NotInteger;
        if (!store.TryRead<ListValue>(args[1], out var list))
            return RespValue.WrongType;
        if (list is null || !Clamp(list.Count, ref start, ref end))
            return RespValue.EmptyArray;
        var items = new RespValue[end - start + 1];
        for (var i = 0; i < items.Length; i++)
            items[i] = RespValue.Bulk(list[(int)start + i]);
        return RespValue.Array(items);
    }

    /// <summary>Redis's range rule: negative indexes from the end, start clamped to 0, end to the last; false if empty.</summary>
    private static bool Clamp(int count, ref long start, ref long end)
    {
        if (start < 0) start = count + start;
        if (end < 0) end = count + end;
        if (start < 0) start = 0;
        if (end >= count) end = count - 1;
        return start <= end && start < count;
    }

    private static bool TryIndex(ListValue list, long index, out int at)
    {
        if (index < 0)
            index += list.Count;
        at = (int)index;
        return index >= 0 && index < list.Count;
    }

    // LINDEX and LSET look the key up before reading the index, as Redis does (a missing or
    // wrong-typed key wins over a bad index).
    public static RespValue Index(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<ListValue>(args[1], out var list))
            return RespValue.WrongType;
        if (list is null)
            return RespValue.NullBulk;
        if (!Arg.TryLong(args[2], out var index))
            return RespValue.NotInteger;
        return TryIndex(list, index, out var at) ? RespValue.Bulk(list[at]) : RespValue.NullBulk;
    }

    public static RespValue SetIndex(KeyspaceStore store, byte[][] args)
    {
        if (!store.TryRead<ListValue>(args[1], out var list))
            return RespValue.WrongType;
        if (list is null)
            return RespValue.NoSuchKey;
        if (!Arg.TryLong(args[2], out var index))
            return RespValue.NotInteger;
        if (!TryIndex(list, index, out var at))
            return RespValue.OutOfRange;
        list[at] = args[3];
        return RespValue.Ok;
    }

    /// <summary>LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key.</summary>
    public static RespValue Insert(KeyspaceStore store, byte[][] args)
    {
        bool after;
        if (Arg.Is(args[2], "AFTER"u8)) after = true;
        else if (Arg.Is(args[2], "BEFORE"u8)) after = false;
        else return RespValue.Syntax;
        if (!store.TryRead<ListValue>(args[1], out var list))
            return RespValue.WrongType;
        if (list is null)
            return RespValue.Integer(0);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].AsSpan().SequenceEqual(args[3]))
            {
                list.Insert(after ? i + 1 : i, args[4]);
                store.OnListPushed(args[1]);
                return RespValue.Integer(list.Count);
            }
        }
        return RespValue.Integer(-1);
    }

    /// <summary>LREM key count element: count &gt; 0 from the head, &lt; 0 from the tail, 0 all.</summary>
    public static RespValue Remove(KeyspaceStore store, byte[][] args)
    {
        if (!Arg.TryLong(args[2], out var count))
            return RespValue.NotInteger;
        if (!store.TryRead<ListValue>(args[1], out var list))
            return RespValue.WrongType;
        if (list is null)
            return RespValue.Integer(0);
        var limit = count == 0 ? long.MaxValue : Math.Abs(count);
        var kept = new List<byte[]>(list.Count);
        long removed = 0;
        if (count >= 0)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (removed < limit && list[i].AsSpan().SequenceEqual(args[3])) removed++;
                else kept.Add(list[i]);
            }
        }
        else
        {
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (removed < limit && list[i].AsSpan().SequenceEqual(args[3])) removed++;
                else kept.Add(list[i]);
            }
            kept.Reverse();
        }
        if (removed > 0)
        {
            for (var i = 0; i < kept.Count; i++)
                list[i] = kept[i];
            list.Keep(0, kept.Count);
            store.RemoveIfEmpty(args[1], list.Count);
        }
        return RespValue.Integer(removed);
    }

    public static RespValue Trim(KeyspaceStore store, byte[][] args)
    {
        if (!Arg.TryLong(args[2], out var start) || !Arg.TryLong(args[3], out var end))
            return RespValue.NotInteger;
        if (!store.TryRead<ListValue>(args[1], out var list))
            return RespValue.WrongType;
        if (list is null)
            return RespValue.Ok;
        if (!Clamp(list.Count, ref start, ref end))
            store.Remove(args[1]);
        else
            list.Keep((int)start, (int)(end - start + 1));
        return RespValue.Ok;
    }

    /// <summary>LPOS key element [RANK r] [COUNT n] [MAXLEN m].</summary>
    public static RespValue Position(KeyspaceStore store, byte[][] args)
    {
        long rank = 1, count = -1, maxLen = 0;
        for (var i = 3; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
                return RespValue.Syntax;
            var option = args[i];
            if (!Arg.TryLong(args[++i], out var value))
                return RespValue.NotInteger;
            if (Arg.Is(option, "RANK"u8))
            {
                if (value == 0 || value == long.MinValue)
                    return RespValue.Error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
                rank = value;
            }
            else if (Arg.Is(option, "COUNT"u8))
            {
                if (value < 0)
                    return RespValue.Error("ERR COUNT can't be negative");
                count = value;
            }
            else if (Arg.Is(option, "MAXLEN"u8))
            {
                if (value < 0)
                    return RespValue.Error("ERR MAXLEN can't be negative");
                maxLen = value;
            }
            else
                return RespValue.Syntax;
        }
        if (!store.TryRead<ListValue>(args[1], out var list))
            return RespValue.WrongType;
        if (list is null)
            return count >= 0 ? RespValue.EmptyArray : RespValue.NullBulk;
        var found = new List<RespValue>();
        var wanted = count == 0 ? long.MaxValue : count < 0 ? 1 : count;
        var skip = Math.Abs(rank) - 1;
        long compared = 0;
        for (var n = 0; n < list.Count && found.Count < wanted && (maxLen == 0 || compared < maxLen); n++, compared++)
        {
            var index = rank > 0 ? n : list.Count - 1 - n;
            if (!list[index].AsSpan().SequenceEqual(args[2]))
                continue;
            if (skip > 0)
            {
                skip--;
                continue;
            }
            found.Add(RespValue.Integer(index));
        }
        if (count >= 0)
            return RespValue.Array([.. found]);
        return found.Count > 0 ? found[0] : RespValue.NullBulk;
    }

    public static bool TryParseSide(ReadOnlySpan<byte> word, out bool left)
    {
        left = Arg.Is(word, "LEFT"u8);
        return left || Arg.Is(word, "RIGHT"u8);
    }

    /// <summary>LMOVE (and RPOPLPUSH) with both keys in this partition.</summary>
    public static RespValue Move(KeyspaceStore store, byte[][] args)
    {
        bool fromLeft = false, toLeft = true;
        if (args.Length == 5 && (!TryParseSide(args[3], out fromLeft) || !TryParseSide(args[4], out toLeft)))
            return RespValue.Syntax;
        if (!store.TryRead<ListValue>(args[1], out var source))
            return RespValue.WrongType;
        if (source is null)
            return RespValue.NullBulk;
        var destination = store.Find(args[2]);
        if (destination is not null && destination.Value is not ListValue)
            return RespValue.WrongType;
        var value = PopOne(store, args[1], source, fromLeft);
        PushTo(store, args[2], value, toLeft);
        return RespValue.Bulk(value);
    }

    /// <summary>Pushes one value, making the list if needed (the caller checked the type).</summary>
    public static void PushTo(KeyspaceStore store, byte[] key, byte[] value, bool left)
    {
        store.TryGetOrAdd<ListValue>(key, out var list);
        list.Push(left, value);
        store.OnListPushed(key);
    }
}
