using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>Expiry times and the EXPIRE family (EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST).</summary>
internal static class Expiry
{
    public static RespValue InvalidTime(string command) => RespValue.Error($"ERR invalid expire time in '{command}' command");

    /// <summary>EX, PX, EXAT or PXAT.</summary>
    public static bool IsTimeOption(ReadOnlySpan<byte> option) =>
        Arg.Is(option, "EX"u8) || Arg.Is(option, "PX"u8) || Arg.Is(option, "EXAT"u8) || Arg.Is(option, "PXAT"u8);

    /// <summary>Reads the time after EX/PX/EXAT/PXAT as a Unix-ms deadline; the error reply if it is not a positive, representable time.</summary>
    public static RespValue? ParseTime(ReadOnlySpan<byte> option, ReadOnlySpan<byte> amount, string command, out long expiresAt)
    {
        expiresAt = 0;
        if (!Arg.TryLong(amount, out var value))
            return RespValue.NotInteger;
        var milliseconds = Arg.Is(option, "PX"u8) || Arg.Is(option, "PXAT"u8);
        var relative = Arg.Is(option, "EX"u8) || Arg.Is(option, "PX"u8);
        if (value <= 0 || TryAt(value, milliseconds, relative) is not { } at)
            return InvalidTime(command);
        expiresAt = at;
        return null;
    }

    /// <summary>A time as Unix ms, or null past the 64-bit millisecond clock (never wrapped).</summary>
    public static long? TryAt(long amount, bool milliseconds, bool relative)
    {
        if (!milliseconds && (amount > long.MaxValue / 1000 || amount < long.MinValue / 1000))
            return null;
        var ms = milliseconds ? amount : amount * 1000;
        if (!relative)
            return ms;
        var now = KeyspaceStore.Now;
        if (ms > long.MaxValue - now)
            return null;
        return now + ms;
    }

    /// <summary>EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT key time [NX|XX|GT|LT].</summary>
    public static RespValue Expire(KeyspaceStore store, byte[][] args)
    {
        var name = Arg.Lower(args[0]);
        var milliseconds = name[0] == 'p';
        var relative = !name.EndsWith("at", StringComparison.Ordinal);
        bool nx = false, xx = false, gt = false, lt = false;
        for (var i = 3; i < args.Length; i++)
        {
            if (Arg.Is(args[i], "NX"u8)) nx = true;
            else if (Arg.Is(args[i], "XX"u8)) xx = true;
            else if (Arg.Is(args[i], "GT"u8)) gt = true;
            else if (Arg.Is(args[i], "LT"u8)) lt = true;
            else return RespValue.Error("ERR Unsupported option " + Arg.Text(args[i]));
        }
        if (nx && (xx || gt || lt))
            return RespValue.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
        if (gt && lt)
            return RespValue.Error("ERR GT and LT options at the same time are not compatible");
        if (!Arg.TryLong(args[2], out var amount))
            return RespValue.NotInteger;
        if (TryAt(amount, milliseconds, relative) is not { } at)
            return InvalidTime(name);
        var entry = store.Find(args[1]);
        if (entry is null)
            return RespValue.Integer(0);
        var current = entry.ExpiresAt; // 0 = none: an infinite time to live for GT and LT
        if ((nx && current != 0) || (xx && current == 0)
            || (gt && (current == 0 || at <= current)) || (lt && current != 0 && at >= current))
            return RespValue.Integer(0);
        if (at <= KeyspaceStore.Now)
            store.Remove(args[1]); // a time in the past deletes the key, as in Redis
        else
            store.SetExpiry(args[1], entry, at);
        return RespValue.Integer(1);
    }

    public static RespValue Persist(KeyspaceStore store, byte[][] args)
    {
        var entry = store.Find(args[1]);
        if (entry is null || entry.ExpiresAt == 0)
            return RespValue.Integer(0);
        store.SetExpiry(args[1], entry, 0);
        return RespValue.Integer(1);
    }

    /// <summary>TTL and PTTL: -2 missing, -1 no expiry; TTL rounds to the nearest second, as Redis.</summary>
    public static RespValue Ttl(KeyspaceStore store, byte[][] args)
    {
        var entry = store.Read(args[1]);
        if (entry is null)
            return RespValue.Integer(-2);
        if (entry.ExpiresAt == 0)
            return RespValue.Integer(-1);
        var ms = Math.Max(0, entry.ExpiresAt - KeyspaceStore.Now);
        return RespValue.Integer(Arg.Is(args[0], "PTTL"u8) ? ms : (ms + 500) / 1000);
    }

    /// <summary>EXPIRETIME and PEXPIRETIME: the absolute Unix time of the expiry.</summary>
    public static RespValue ExpireTime(KeyspaceStore store, byte[][] args)
    {
        var entry = store.Read(args[1]);
        if (entry is null)
            return RespValue.Integer(-2);
        if (entry.ExpiresAt == 0)
            return RespValue.Integer(-1);
        return RespValue.Integer(Arg.Is(args[0], "PEXPIRETIME"u8) ? entry.ExpiresAt : entry.ExpiresAt / 1000);
    }
}
