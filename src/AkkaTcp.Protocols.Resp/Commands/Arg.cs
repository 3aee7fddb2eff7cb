using System.Globalization;
using System.Text;
using AkkaTcp.Protocols.Resp;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>Reading command arguments as Redis reads them: case-insensitive words, strict integers and floats.</summary>
internal static class Arg
{
    public static bool Is(ReadOnlySpan<byte> arg, ReadOnlySpan<byte> upper) => Ascii.EqualsIgnoreCase(arg, upper);

    public static bool TryLong(ReadOnlySpan<byte> arg, out long value) => RespInteger.TryParse(arg, out value);

    public static bool TryInt(ReadOnlySpan<byte> arg, out int value)
    {
        var ok = RespInteger.TryParse(arg, out var wide) && wide is >= int.MinValue and <= int.MaxValue;
        value = ok ? (int)wide : 0;
        return ok;
    }

    /// <summary>A float as Redis reads a timeout: a decimal or exponent number with an optional sign; no spaces, never NaN.</summary>
    public static bool TryFloat(ReadOnlySpan<byte> arg, out double value)
    {
        value = 0;
        if (arg.IsEmpty || arg.Length > 5000 || IsSpace(arg[0]) || IsSpace(arg[^1]))
            return false;
        var text = Encoding.ASCII.GetString(arg);
        var unsigned = text.TrimStart('+', '-');
        if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return text.Length - unsigned.Length <= 1;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value) && !double.IsInfinity(value);
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    /// <summary>The sum of two floats as Redis's INCRBYFLOAT computes and writes it; null if either is not a float or the sum is infinite.</summary>
    public static byte[]? AddFloats(ReadOnlySpan<byte> current, ReadOnlySpan<byte> increment, out bool notFloat)
    {
        notFloat = !LongDouble.TryParse(current, out var a) | !LongDouble.TryParse(increment, out var b);
        if (notFloat)
            return null;
        var sum = a + b;
        return sum.IsInfinity ? null : sum.ToRedisString();
    }

    public static byte[] Format(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    public static string Text(ReadOnlySpan<byte> arg) => Encoding.UTF8.GetString(arg);

    public static string Lower(ReadOnlySpan<byte> arg) => Encoding.UTF8.GetString(arg).ToLowerInvariant();
}
