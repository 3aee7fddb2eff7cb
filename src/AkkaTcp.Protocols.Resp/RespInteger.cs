namespace AkkaTcp.Protocols.Resp;

/// <summary>
/// Redis's string2ll: an optional '-', then digits, no '+', no leading zeros, no spaces, within a
/// 64-bit integer. Utf8Parser is laxer (it takes "+5"), which Redis refuses everywhere: request
/// lengths, EX/PX amounts, INCRBY deltas and the values INCR reads.
/// </summary>
internal static class RespInteger
{
    public static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20)
            return false;
        if (text.Length == 1 && text[0] == (byte)'0')
            return true;
        var negative = text[0] == (byte)'-';
        var digits = negative ? text[1..] : text;
        if (digits.IsEmpty || digits[0] is < (byte)'1' or > (byte)'9')
            return false;
        ulong magnitude = 0;
        foreach (var c in digits)
        {
            if (c is < (byte)'0' or > (byte)'9')
                return false;
            if (magnitude > (ulong.MaxValue - 9) / 10)
                return false;
            magnitude = magnitude * 10 + (ulong)(c - '0');
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
                return false;
            value = (long)(0 - magnitude);
            return true;
        }
        if (magnitude > long.MaxValue)
            return false;
        value = (long)magnitude;
        return true;
    }
}
