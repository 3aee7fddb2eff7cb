using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>LCS: Redis 7.0's dynamic programme, its options and its reply shapes, match order included.</summary>
internal static class LongestCommonSubsequence
{
    public static readonly RespValue NotStrings = RespValue.Error("ERR The specified keys must contain string values");

    /// <summary>args: LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]; a and b are the keys' values ("" if missing).</summary>
    public static RespValue Reply(byte[] a, byte[] b, byte[][] args, long maxTransientBytes)
    {
        bool getLen = false, getIdx = false, withMatchLen = false;
        long minMatchLen = 0;
        for (var i = 3; i < args.Length; i++)
        {
            if (Arg.Is(args[i], "LEN"u8)) getLen = true;
            else if (Arg.Is(args[i], "IDX"u8)) getIdx = true;
            else if (Arg.Is(args[i], "WITHMATCHLEN"u8)) withMatchLen = true;
            else if (Arg.Is(args[i], "MINMATCHLEN"u8) && i + 1 < args.Length)
            {
                if (!Arg.TryLong(args[++i], out minMatchLen))
                    return RespValue.NotInteger;
                if (minMatchLen < 0)
                    minMatchLen = 0;
            }
            else
                return RespValue.Syntax;
        }
        if (getLen && getIdx)
            return RespValue.Error("ERR If you want both the length and indexes, please just use IDX.");
        long cells = (long)(a.Length + 1) * (b.Length + 1);
        if (cells > maxTransientBytes / sizeof(uint))
            return RespValue.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");

        var alen = a.Length;
        var dp = new uint[cells];
        uint At(int i, int j) => dp[i + (long)j * (alen + 1)];
        for (var i = 0; i <= alen; i++)
        {
            for (var j = 0; j <= b.Length; j++)
            {
                uint value;
                if (i == 0 || j == 0) value = 0;
                else if (a[i - 1] == b[j - 1]) value = At(i - 1, j - 1) + 1;
                else value = Math.Max(At(i - 1, j), At(i, j - 1));
                dp[i + (long)j * (alen + 1)] = value;
            }
        }
        var total = At(alen, b.Length);
        if (getLen)
            return RespValue.Integer(total);

        var result = new byte[total];
        var idx = (int)total;
        var matches = new List<RespValue>();
        int aStart = alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart == alen: no range open
        int x = alen, y = b.Length;
        while (x > 0 && y > 0)
        {
            var emit = false;
            if (a[x - 1] == b[y - 1])
            {
                result[idx - 1] = a[x - 1];
                if (aStart == alen)
                {
                    aStart = aEnd = x - 1;
                    bStart = bEnd = y - 1;
                }
                else if (aStart == x && bStart == y)
                {
                    aStart--;
                    bStart--;
                }
                else
                    emit = true;
                if (aStart == 0 || bStart == 0)
                    emit = true;
                idx--; x--; y--;
            }
            else
            {
                if (At(x - 1, y) > At(x, y - 1)) x--;
                else y--;
                if (aStart != alen)
                    emit = true;
            }
            var matchLen = aEnd - aStart + 1;
            if (emit)
            {
                if (getIdx && (minMatchLen == 0 || matchLen >= minMatchLen))
                {
                    RespValue[] match =
                    [
                        RespValue.Array([RespValue.Integer(aStart), RespValue.Integer(aEnd)]),
                        RespValue.Array([RespValue.Integer(bStart), RespValue.Integer(bEnd)]),
                    ];
                    matches.Add(RespValue.Array(withMatchLen ? [.. match, RespValue.Integer(matchLen)] : match));
                }
                aStart = alen;
            }
        }
        if (!getIdx)
            return RespValue.Bulk(result);
        return RespValue.Array([RespValue.Bulk("matches"), RespValue.Array([.. matches]), RespValue.Bulk("len"), RespValue.Integer(total)]);
    }
}
