using AkkaTcp.Protocols;

namespace AkkaTcp.Protocols.Resp;

/// <summary>
/// Decodes RESP2 requests: arrays of bulk strings (what clients send) and inline commands (a
/// line of words, as typed in telnet or sent by redis-benchmark's ping_inline, with Redis's
/// quoting). Limits and error texts are Redis's own: an argument of at most
/// <paramref name="maxBulkLength"/> bytes (proto-max-bulk-len), at most
/// <paramref name="maxArrayLength"/> arguments, and at most <paramref name="maxQueryBuffer"/>
/// bytes of requests not yet complete (client-query-buffer-limit). Per connection: it reuses one
/// argument buffer.
/// </summary>
internal sealed class RespDecoder(long maxQueryBuffer, int maxArrayLength, int maxBulkLength) : IFrameDecoder<RespCommand>
{
    private const int MaxInlineLength = 64 * 1024; // Redis's PROTO_INLINE_MAX_SIZE
    private Range[] _args = new Range[8];
    private byte[] _unquoted = [];

    public DecodeStatus Decode(ReadOnlySpan<byte> input, out RespCommand frame, out int consumed, out ProtocolError error)
    {
        frame = default;
        consumed = 0;
        error = default;
        if (input.IsEmpty)
            return DecodeStatus.NeedMoreData;
        if (input[0] != (byte)'*')
            return DecodeInline(input, out frame, out consumed, out error);
        var status = DecodeArray(input, out var count, out consumed, out error);
        if (status == DecodeStatus.NeedMoreData && input.Length > maxQueryBuffer)
            return Fail(out error, "request larger than resp.max-query-buffer", CloseReason.FrameTooLarge);
        if (status == DecodeStatus.Frame)
            frame = new RespCommand(input, _args.AsSpan(0, count));
        return status;
    }

    private DecodeStatus DecodeArray(ReadOnlySpan<byte> input, out int count, out int consumed, out ProtocolError error)
    {
        count = 0;
        consumed = 0;
        error = default;
        var header = ReadLength(input, 1, out var length, out var position);
        if (header == LengthLine.Incomplete)
            return input.Length > MaxInlineLength ? Fail(out error, "too big mbulk count string") : DecodeStatus.NeedMoreData;
        if (header == LengthLine.Invalid || length > maxArrayLength)
            return Fail(out error, "invalid multibulk length");
        for (var i = 0; i < length; i++)
        {
            if (position >= input.Length)
                return DecodeStatus.NeedMoreData;
            if (input[position] != (byte)'$')
                return Fail(out error, $"expected '$', got '{(char)input[position]}'");
            var bulkHeader = ReadLength(input, position + 1, out var bulkLength, out var dataStart);
            if (bulkHeader == LengthLine.Incomplete)
                return input.Length - position > MaxInlineLength ? Fail(out error, "too big bulk count string") : DecodeStatus.NeedMoreData;
            if (bulkHeader == LengthLine.Invalid || bulkLength < 0 || bulkLength > maxBulkLength)
                return Fail(out error, "invalid bulk length");
            var end = dataStart + bulkLength;
            if (end + 2 > input.Length)
                return DecodeStatus.NeedMoreData;
            Add(ref count, new Range(dataStart, (int)end));
            position = (int)end + 2;
        }
        consumed = position;
        return DecodeStatus.Frame;
    }

    private DecodeStatus DecodeInline(ReadOnlySpan<byte> input, out RespCommand frame, out int consumed, out ProtocolError error)
    {
        frame = default;
        consumed = 0;
        error = default;
        var newline = input.IndexOf((byte)'\n');
        if (newline < 0)
            return input.Length > MaxInlineLength ? Fail(out error, "too big inline request") : DecodeStatus.NeedMoreData;
        consumed = newline + 1;
        var end = newline > 0 && input[newline - 1] == (byte)'\r' ? newline - 1 : newline;
        var line = input[..end];
        if (line.IndexOfAny("\"'\0"u8) >= 0)
        {
            var count = InlineArguments.SplitQuoted(line, ref _unquoted, ref _args);
            if (count < 0)
                return Fail(out error, "unbalanced quotes in request");
            frame = new RespCommand(_unquoted, _args.AsSpan(0, count));
            return DecodeStatus.Frame;
        }
        var words = InlineArguments.SplitPlain(line, ref _args);
        frame = new RespCommand(input, _args.AsSpan(0, words));
        return DecodeStatus.Frame;
    }

    private void Add(ref int count, Range range)
    {
        if (count == _args.Length)
            Array.Resize(ref _args, _args.Length * 2);
        _args[count++] = range;
    }

    private enum LengthLine { Read, Incomplete, Invalid }

    /// <summary>
    /// A length line (the digits after '*' or '$', then "\r\n"): its value and where the line after
    /// it begins. Plain digits are read in one pass, as nearly every request has them; anything else
    /// (a sign, a leading zero, a long number, a stray byte) takes the general path, with Redis's rules.
    /// </summary>
    private static LengthLine ReadLength(ReadOnlySpan<byte> input, int start, out long value, out int next)
    {
        var end = Math.Min(input.Length, start + 18); // 18 digits always fit in a long
        var i = start;
        long digits = 0;
        while (i < end && (uint)(input[i] - '0') <= 9)
            digits = digits * 10 + (input[i++] - '0');
        if (i > start && i + 1 < input.Length && input[i] == (byte)'\r' && input[i + 1] == (byte)'\n'
            && (input[start] != (byte)'0' || i == start + 1))
        {
            value = digits;
            next = i + 2;
            return LengthLine.Read;
        }
        value = 0;
        if (!TryReadLine(input, start, out var line, out next))
            return LengthLine.Incomplete;
        return RespInteger.TryParse(line, out value) ? LengthLine.Read : LengthLine.Invalid;
    }

    /// <summary>The text between <paramref name="start"/> and the next "\r\n", and where the line after it begins.</summary>
    private static bool TryReadLine(ReadOnlySpan<byte> input, int start, out ReadOnlySpan<byte> line, out int next)
    {
        var end = input[start..].IndexOf("\r\n"u8);
        if (end < 0)
        {
            line = default;
            next = 0;
            return false;
        }
        line = input.Slice(start, end);
        next = start + end + 2;
        return true;
    }

    private static DecodeStatus Fail(out ProtocolError error, string message, CloseReason reason = CloseReason.ProtocolError)
    {
        error = new ProtocolError(reason, "Protocol error: " + message);
        return DecodeStatus.Error;
    }
}
