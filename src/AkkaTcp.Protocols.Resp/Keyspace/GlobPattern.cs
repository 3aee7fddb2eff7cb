namespace AkkaTcp.Keyspace;

/// <summary>
/// Redis's glob for KEYS and CONFIG GET (its stringmatchlen, 7.0): * ? [abc] [^a] [a-z] and \ to
/// escape. Bounded like Redis's: once the rest of a pattern after a '*' matches nowhere in the
/// rest of the text, no earlier '*' tries a longer match (so "a*a*a*...*b" is linear per star, not
/// exponential), and patterns nested deeper than 1000 stars match nothing.
/// </summary>
internal static class GlobPattern
{
    private const int MaxNesting = 1000;

    public static bool Matches(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text)
    {
        var skipLongerMatches = false;
        return Match(pattern, text, ref skipLongerMatches, 0);
    }

    private static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, ref bool skipLongerMatches, int nesting)
    {
        if (nesting > MaxNesting)
            return false;
        while (!pattern.IsEmpty && !text.IsEmpty)
        {
            switch (pattern[0])
            {
                case (byte)'*':
                    while (pattern.Length > 1 && pattern[1] == (byte)'*')
                        pattern = pattern[1..];
                    if (pattern.Length == 1)
                        return true;
                    while (!text.IsEmpty)
                    {
                        if (Match(pattern[1..], text, ref skipLongerMatches, nesting + 1))
                            return true;
                        if (skipLongerMatches)
                            return false;
                        text = text[1..];
                    }
                    // The rest of the pattern matches nowhere in the rest of the text: a longer
                    // match for an earlier star cannot help either.
                    skipLongerMatches = true;
                    return false;
                case (byte)'?':
                    break;
                case (byte)'[':
                    if (!MatchClass(ref pattern, text[0]))
                        return false;
                    break;
                case (byte)'\\' when pattern.Length >= 2:
                    pattern = pattern[1..];
                    if (pattern[0] != text[0])
                        return false;
                    break;
                default:
                    if (pattern[0] != text[0])
                        return false;
                    break;
            }
            pattern = pattern[1..];
            text = text[1..];
            if (text.IsEmpty)
            {
                while (!pattern.IsEmpty && pattern[0] == (byte)'*')
                    pattern = pattern[1..];
                break;
            }
        }
        return pattern.IsEmpty && text.IsEmpty;
    }

    /// <summary>Matches one character against a [...] class; leaves <paramref name="pattern"/> on its ']' (or last byte).</summary>
    private static bool MatchClass(ref ReadOnlySpan<byte> pattern, byte c)
    {
        pattern = pattern[1..];
        var negate = !pattern.IsEmpty && pattern[0] == (byte)'^';
        if (negate)
            pattern = pattern[1..];
        var matched = false;
        while (true)
        {
            if (pattern.Length >= 2 && pattern[0] == (byte)'\\')
            {
                pattern = pattern[1..];
                matched |= pattern[0] == c;
            }
            else if (pattern.IsEmpty)
            {
                pattern = "]"u8; // unterminated class: Redis steps back onto its last byte
                break;
            }
            else if (pattern[0] == (byte)']')
            {
                break;
            }
            else if (pattern.Length >= 3 && pattern[1] == (byte)'-')
            {
                var (low, high) = pattern[0] <= pattern[2] ? (pattern[0], pattern[2]) : (pattern[2], pattern[0]);
                matched |= c >= low && c <= high;
                pattern = pattern[2..];
            }
            else
            {
                matched |= pattern[0] == c;
            }
            pattern = pattern[1..];
        }
        return matched != negate;
    }
}
