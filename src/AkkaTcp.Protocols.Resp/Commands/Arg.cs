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

    /// <summary>
    /// Redis's string2ld: a decimal or exponent number with an optional sign, or inf/infinity; no
    /// spaces, never NaN. The value is kept as <see cref="decimal"/> too when it fits, so that
    /// INCRBYFLOAT adds 0.1 to 0.2 and answers 0.3 as Redis's long double arithmetic does.
    /// </summary>
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

    /// <summary>The sum of two floats as Redis's INCRBYFLOAT writes it (no exponent, no trailing zeros); null if NaN or infinite.</summary>
    public static byte[]? AddFloats(ReadOnlySpan<byte> current, ReadOnlySpan<byte> increment, double currentValue, double incrementValue)
    {
        if (TryDecimal(current, out var a) && TryDecimal(increment, out var b))
        {
            try
            {
                return Encoding.ASCII.GetBytes(Format(Math.Round(a + b, 17)));
            }
            catch (OverflowException)
            {
                // past decimal's range: long double-like results are approximated with double below
            }
        }
        var sum = currentValue + incrementValue;
        if (double.IsNaN(sum) || double.IsInfinity(sum))
            return null;
        return Encoding.ASCII.GetBytes(Format(sum));
    }

    private static bool TryDecimal(ReadOnlySpan<byte> text, out decimal value)
    {
        value = 0;
        return !text.IsEmpty && decimal.TryParse(Encoding.ASCII.GetString(text), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static string Format(decimal value)
    {
        var text = value.ToString("0.#################", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    /// <summary>A double in fixed notation with the fewest digits that read back as it (Redis's human format).</summary>
    public static string Format(double value)
    {
        if (value == 0)
            return "0";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOfAny(['E', 'e']);
        if (e < 0)
            return text;
        var exponent = int.Parse(text.AsSpan(e + 1), CultureInfo.InvariantCulture);
        var mantissa = text[..e];
        var negative = mantissa.StartsWith('-');
        var digits = mantissa.TrimStart('-').Replace(".", "", StringComparison.Ordinal);
        var point = mantissa.TrimStart('-').IndexOf('.') is var p and >= 0 ? p : mantissa.TrimStart('-').Length;
        point += exponent;
        string result;
        if (point <= 0)
            result = "0." + new string('0', -point) + digits;
        else if (point >= digits.Length)
            result = digits + new string('0', point - digits.Length);
        else
            result = digits[..point] + "." + digits[point..];
        return negative ? "-" + result : result;
    }

    public static byte[] Format(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    public static string Text(ReadOnlySpan<byte> arg) => Encoding.UTF8.GetString(arg);

    public static string Lower(ReadOnlySpan<byte> arg) => Encoding.UTF8.GetString(arg).ToLowerInvariant();
}
