using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>How the replies of a command's parts, from several partitions, become one reply. The first error among them wins.</summary>
internal static class Combine
{
    public static RespValue? FirstError(RespValue[] replies)
    {
        foreach (var reply in replies)
        {
            if (reply.IsError)
                return reply;
        }
        return null;
    }

    /// <summary>MGET: each part's values put back in the request's key order.</summary>
    public static RespValue Values(RespHandler handler, RespValue[] replies, int[][]? positions)
    {
        if (FirstError(replies) is { } error)
            return error;
        ArgumentNullException.ThrowIfNull(positions);
        var values = new RespValue[positions.Sum(part => part.Length)];
        for (var part = 0; part < replies.Length; part++)
        {
            var items = ((ArrayValue)replies[part]).Items;
            for (var i = 0; i < items.Length; i++)
                values[positions[part][i]] = items[i];
        }
        return RespValue.Array(values);
    }

    public static RespValue Ok(RespHandler handler, RespValue[] replies, int[][]? positions) => FirstError(replies) ?? RespValue.Ok;

    public static RespValue Sum(RespHandler handler, RespValue[] replies, int[][]? positions)
    {
        if (FirstError(replies) is { } error)
            return error;
        long total = 0;
        foreach (var reply in replies)
            total += ((IntegerValue)reply).Value;
        return RespValue.Integer(total);
    }

    /// <summary>KEYS: every partition's keys.</summary>
    public static RespValue Concat(RespHandler handler, RespValue[] replies, int[][]? positions)
    {
        if (FirstError(replies) is { } error)
            return error;
        var all = new List<RespValue>();
        foreach (var reply in replies)
            all.AddRange(((ArrayValue)reply).Items);
        return RespValue.Array([.. all]);
    }

    /// <summary>RANDOMKEY: a partition's random key, the partition chosen in proportion to its keys.</summary>
    public static RespValue RandomKey(RespHandler handler, RespValue[] replies, int[][]? positions)
    {
        if (FirstError(replies) is { } error)
            return error;
        long total = 0;
        foreach (var reply in replies)
            total += ((IntegerValue)((ArrayValue)reply).Items[0]).Value;
        if (total == 0)
            return RespValue.NullBulk;
        var pick = Random.Shared.NextInt64(total);
        foreach (var reply in replies)
        {
            var items = ((ArrayValue)reply).Items;
            pick -= ((IntegerValue)items[0]).Value;
            if (pick < 0)
                return items[1];
        }
        return RespValue.NullBulk;
    }
}
