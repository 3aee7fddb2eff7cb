using System.Numerics;
using System.Text;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>
/// The x87 80-bit long double (64-bit mantissa, round half to even) emulated exactly, with
/// <see cref="BigInteger"/>: Redis computes INCRBYFLOAT and HINCRBYFLOAT in long double and prints
/// them with <c>%.17Lf</c>, trailing zeros removed, so 5.6 + 1e3 answers 1005.59999999999999998
/// there. A double would answer other digits; clients that compare strings would notice.
/// </summary>
internal readonly struct LongDouble
{
    private const int MantissaBits = 64;
    private const int MaxExponent = 16383;
    private static readonly BigInteger Scale = BigInteger.Pow(10, 17);

    // value = Mantissa × 2^Exponent; Mantissa is 0 or has exactly 64 bits; Negative is the sign.
    private readonly BigInteger _mantissa;
    private readonly int _exponent;
    private readonly bool _negative;

    private LongDouble(BigInteger mantissa, int exponent, bool negative)
    {
        _mantissa = mantissa;
        _exponent = exponent;
        _negative = negative;
    }

    public bool IsInfinity { get; private init; }

    /// <summary>strtold's decimal syntax (sign, digits, point, exponent, or inf/infinity); no spaces, no NaN, nothing out of range.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out LongDouble value)
    {
        value = default;
        if (text.IsEmpty || text.Length > 5000)
            return false;
        var at = 0;
        var negative = false;
        if (text[0] is (byte)'+' or (byte)'-')
        {
            negative = text[0] == (byte)'-';
            at++;
        }
        var rest = text[at..];
        if (Arg.Is(rest, "INF"u8) || Arg.Is(rest, "INFINITY"u8))
        {
            value = new LongDouble(0, 0, negative) { IsInfinity = true };
            return true;
        }
        BigInteger digits = 0;
        var scale = 0;
        var sawDigit = false;
        var sawPoint = false;
        for (; at < text.Length; at++)
        {
            var c = text[at];
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                digits = digits * 10 + (c - '0');
                sawDigit = true;
                if (sawPoint)
                    scale--;
            }
            else if (c == (byte)'.' && !sawPoint)
                sawPoint = true;
            else
                break;
        }
        if (!sawDigit)
            return false;
        if (at < text.Length)
        {
            if (text[at] is not ((byte)'e' or (byte)'E') || !TryExponent(text[(at + 1)..], out var exponent))
                return false;
            scale += exponent;
        }
        if (digits.IsZero)
        {
            value = new LongDouble(0, 0, negative);
            return true;
        }
        if (scale > 4940 || scale < -4960)
            return false; // past long double's range: strtold's ERANGE, which Redis refuses
        value = scale >= 0
            ? Round(digits * BigInteger.Pow(10, scale), BigInteger.One, negative)
            : Round(digits, BigInteger.Pow(10, -scale), negative);
        return !value.IsInfinity;
    }

    private static bool TryExponent(ReadOnlySpan<byte> text, out int exponent)
    {
        exponent = 0;
        var negative = false;
        if (!text.IsEmpty && text[0] is (byte)'+' or (byte)'-')
        {
            negative = text[0] == (byte)'-';
            text = text[1..];
        }
        if (text.IsEmpty || text.Length > 6)
            return false;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
                return false;
            exponent = exponent * 10 + (c - '0');
        }
        exponent = negative ? -exponent : exponent;
        return true;
    }

    /// <summary>The long double nearest p / q × 2^offset (p and q positive).</summary>
    private static LongDouble Round(BigInteger p, BigInteger q, bool negative, int offset = 0)
    {
        var exponent = (int)(p.GetBitLength() - q.GetBitLength()) - MantissaBits;
        while (true)
        {
            BigInteger numerator = p, denominator = q;
            if (exponent >= 0) denominator <<= exponent;
            else numerator <<= -exponent;
            var mantissa = BigInteger.DivRem(numerator, denominator, out var remainder);
            var bits = mantissa.GetBitLength();
            if (bits > MantissaBits) { exponent++; continue; }
            if (bits < MantissaBits) { exponent--; continue; }
            var twice = remainder * 2;
            if (twice > denominator || (twice == denominator && !mantissa.IsEven))
                mantissa++;
            return Normal(mantissa, exponent + offset, negative);
        }
    }

    private static LongDouble Normal(BigInteger mantissa, int exponent, bool negative)
    {
        if (mantissa.GetBitLength() > MantissaBits)
        {
            mantissa >>= 1;
            exponent++;
        }
        if (exponent + MantissaBits > MaxExponent)
            return new LongDouble(0, 0, negative) { IsInfinity = true };
        return new LongDouble(mantissa, exponent, negative);
    }

    public static LongDouble operator +(LongDouble a, LongDouble b)
    {
        if (a.IsInfinity || b.IsInfinity)
            return new LongDouble(0, 0, false) { IsInfinity = true }; // inf, or inf - inf (NaN): refused alike
        if (a._mantissa.IsZero) return b._mantissa.IsZero ? new LongDouble(0, 0, a._negative && b._negative) : b;
        if (b._mantissa.IsZero) return a;
        var exponent = Math.Min(a._exponent, b._exponent);
        var sum = (a._negative ? -a._mantissa : a._mantissa) << (a._exponent - exponent);
        sum += (b._negative ? -b._mantissa : b._mantissa) << (b._exponent - exponent);
        if (sum.IsZero)
            return new LongDouble(0, 0, false);
        return Round(BigInteger.Abs(sum), BigInteger.One, sum.Sign < 0, exponent);
    }

    /// <summary>Redis's human format: <c>%.17Lf</c> (rounded half to even, as glibc prints), trailing zeros and point removed, -0 as 0.</summary>
    public byte[] ToRedisString()
    {
        BigInteger scaled;
        if (_exponent >= 0)
            scaled = (_mantissa << _exponent) * Scale;
        else
        {
            var denominator = BigInteger.One << -_exponent;
            scaled = BigInteger.DivRem(_mantissa * Scale, denominator, out var remainder);
            var twice = remainder * 2;
            if (twice > denominator || (twice == denominator && !scaled.IsEven))
                scaled++;
        }
        var integer = BigInteger.DivRem(scaled, Scale, out var fraction);
        var text = new StringBuilder();
        if (_negative)
            text.Append('-');
        text.Append(integer.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var digits = fraction.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(17, '0').TrimEnd('0');
        if (digits.Length > 0)
            text.Append('.').Append(digits);
        var result = text.ToString();
        return Encoding.ASCII.GetBytes(result == "-0" ? "0" : result);
    }
}
