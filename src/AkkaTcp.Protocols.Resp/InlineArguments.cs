namespace AkkaTcp.Protocols.Resp;

/// <summary>
/// Splits an inline command line into arguments as Redis's sdssplitargs does: white space
/// separates words; "double quotes" take \n \r \t \b \a \xHH and \-escapes; 'single quotes' take
/// \' only; a closing quote must be followed by white space or the end; a NUL ends the line.
/// </summary>
internal static class InlineArguments
{
    /// <summary>Words of a line without quotes, as ranges of <paramref name="line"/>; returns their count.</summary>
    public static int SplitPlain(ReadOnlySpan<byte> line, ref Range[] args)
    {
        var count = 0;
        var start = 0;
        while (start < line.Length)
        {
            if (IsSpace(line[start]))
            {
                start++;
                continue;
            }
            var end = start;
            while (end < line.Length && !IsSpace(line[end]))
                end++;
            Add(ref args, ref count, new Range(start, end));
            start = end;
        }
        return count;
    }

    /// <summary>
    /// Unquoted words of a line into <paramref name="output"/>, as ranges of it; returns their
    /// count, or -1 for unbalanced quotes.
    /// </summary>
    public static int SplitQuoted(ReadOnlySpan<byte> line, ref byte[] output, ref Range[] args)
    {
        if (output.Length < line.Length)
            output = new byte[Math.Max(line.Length, 64)]; // unquoting never lengthens a line
        var count = 0;
        var written = 0;
        var p = 0;
        while (true)
        {
            while (p < line.Length && IsSpace(line[p]))
                p++;
            if (p >= line.Length || line[p] == 0)
                return count;
            var start = written;
            byte quote = 0; // the quote we are inside, if any
            var done = false;
            while (!done)
            {
                var c = p < line.Length ? line[p] : (byte)0;
                if (quote == 0)
                {
                    if (c == 0 || IsSpace(c))
                        done = true;
                    else if (c is (byte)'"' or (byte)'\'')
                        quote = c;
                    else
                        output[written++] = c;
                }
                else if (quote == '"' && c == '\\' && At(line, p + 1) == 'x' && IsHex(At(line, p + 2)) && IsHex(At(line, p + 3)))
                {
                    output[written++] = (byte)(HexValue(At(line, p + 2)) * 16 + HexValue(At(line, p + 3)));
                    p += 3;
                }
                else if (quote == '"' && c == '\\' && At(line, p + 1) != 0)
                {
                    p++;
                    output[written++] = line[p] switch
                    {
                        (byte)'n' => (byte)'\n',
                        (byte)'r' => (byte)'\r',
                        (byte)'t' => (byte)'\t',
                        (byte)'b' => (byte)'\b',
                        (byte)'a' => (byte)'\a',
                        var other => other,
                    };
                }
                else if (quote == '\'' && c == '\\' && At(line, p + 1) == '\'')
                {
                    p++;
                    output[written++] = (byte)'\'';
                }
                else if (c == quote)
                {
                    // A closing quote must be followed by white space or the end of the line.
                    if (At(line, p + 1) != 0 && !IsSpace(At(line, p + 1)))
                        return -1;
                    done = true;
                }
                else if (c == 0)
                    return -1; // unterminated quotes
                else
                    output[written++] = c;
                if (c != 0)
                    p++;
            }
            Add(ref args, ref count, new Range(start, written));
        }
    }

    private static byte At(ReadOnlySpan<byte> line, int index) => index < line.Length ? line[index] : (byte)0;


    /// <summary>C's isspace: space, \t, \n, \v, \f, \r.</summary>
    private static bool IsSpace(byte c) => c == ' ' || (c >= '\t' && c <= '\r');

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static void Add(ref Range[] args, ref int count, Range range)
    {
        if (count == args.Length)
            Array.Resize(ref args, args.Length * 2);
        args[count++] = range;
    }
}
