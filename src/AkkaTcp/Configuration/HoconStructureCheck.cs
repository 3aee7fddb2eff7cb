namespace AkkaTcp.Configuration;

/// <summary>
/// Akka's HOCON parser accepts broken text (an unclosed '{', a stray ']', an unterminated string)
/// and silently drops parts of it. This check runs first, so a truncated or mistyped file is a
/// clear error with a line number instead of a server running on half its configuration.
/// </summary>
internal static class HoconStructureCheck
{
    /// <summary>Returns null when braces, brackets and quotes balance; otherwise what is wrong and where.</summary>
    public static string? FindError(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                        i++;
                    break;
                case '"':
                    var start = line;
                    if (!SkipString(text, ref i, ref line))
                        return $"line {start}: string is never closed";
                    break;
                case '{' or '[':
                    open.Push((c, line));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0 || open.Peek().Bracket != expected)
                        return $"line {line}: unexpected '{c}'";
                    open.Pop();
                    break;
            }
        }
        return open.Count == 0 ? null : $"line {open.Peek().Line}: '{open.Peek().Bracket}' is never closed";
    }

    /// <summary>Moves <paramref name="i"/> to the closing quote of a "..." or """...""" string.</summary>
    private static bool SkipString(string text, ref int i, ref int line)
    {
        if (string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0)
        {
            var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
            if (end < 0)
                return false;
            for (var j = i; j < end; j++)
            {
                if (text[j] == '\n')
                    line++;
            }
            i = end + 2;
            return true;
        }
        for (i++; i < text.Length; i++)
        {
            if (text[i] == '\\')
                i++;
            else if (text[i] == '"')
                return true;
            else if (text[i] == '\n')
                return false;
        }
        return false;
    }
}
