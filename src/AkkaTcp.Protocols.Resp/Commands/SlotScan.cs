using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>
/// The cursor walk SCAN, HSCAN and SSCAN share: a cursor is a slot of a <see cref="SlotMap{TValue}"/>
/// (see there why every key present for the whole scan is returned) and COUNT is how many keys one
/// call looks at, not how many it returns (MATCH and TYPE filter afterwards), as in Redis.
/// </summary>
internal static class SlotScan
{
    /// <summary>Options after the cursor: MATCH pattern, COUNT n, and TYPE t when <paramref name="allowType"/>.</summary>
    public readonly record struct Options(byte[]? Match, int Count, string? Type);

    public static RespValue? ParseOptions(byte[][] args, int from, bool allowType, out Options options)
    {
        options = new Options(null, 10, null);
        for (var i = from; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
                return RespValue.Syntax;
            if (Arg.Is(args[i], "MATCH"u8))
                options = options with { Match = args[++i] };
            else if (Arg.Is(args[i], "COUNT"u8))
            {
                if (!Arg.TryLong(args[++i], out var count))
                    return RespValue.NotInteger;
                if (count < 1)
                    return RespValue.Syntax;
                options = options with { Count = (int)Math.Min(count, int.MaxValue / 16) };
            }
            else if (allowType && Arg.Is(args[i], "TYPE"u8))
                options = options with { Type = Arg.Lower(args[++i]) };
            else
                return RespValue.Syntax;
        }
        return null;
    }

    public static bool Matches(in Options options, byte[] key) =>
        options.Match is null || GlobPattern.Matches(options.Match, key);

    /// <summary>Visits the occupied slots from <paramref name="cursor"/> on, at most Count keys (and ten times as many slots); returns the next cursor, 0 at the end.</summary>
    public static long Walk<T>(SlotMap<T> map, long cursor, int count, Action<int> visit)
    {
        var slot = cursor;
        var seen = 0;
        var limit = (long)count * 10;
        for (; slot < map.SlotCount && seen < count && limit-- > 0; slot++)
        {
            if (map.KeyAt((int)slot) is null)
                continue;
            visit((int)slot);
            seen++;
        }
        return slot >= map.SlotCount ? 0 : slot;
    }

    /// <summary>HSCAN and SSCAN: key cursor [MATCH p] [COUNT n]; a hash gives field, value pairs.</summary>
    public static RespValue ScanCollection<T>(SlotMap<T>? map, byte[][] args, Func<T, byte[]>? valueOf)
    {
        if (!ulong.TryParse(args[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cursor))
            return RespValue.Error("ERR invalid cursor");
        if (ParseOptions(args, 3, allowType: false, out var options) is { } error)
            return error;
        if (map is null || cursor >= (ulong)map.SlotCount)
            return RespValue.Array([RespValue.Bulk("0"), RespValue.EmptyArray]);
        var found = new List<RespValue>();
        var next = Walk(map, (long)cursor, options.Count, slot =>
        {
            var key = map.KeyAt(slot)!;
            if (!Matches(options, key))
                return;
            found.Add(RespValue.Bulk(key));
            if (valueOf is not null)
                found.Add(RespValue.Bulk(valueOf(map.ValueAt(slot))));
        });
        return RespValue.Array([RespValue.Bulk(Arg.Format(next)), RespValue.Array([.. found])]);
    }
}
