using System.Buffers.Text;
using AkkaTcp.Connections;
using AkkaTcp.Framing;

namespace AkkaTcp.Protocols.Resp;

/// <summary>
/// Decodes RESP2 requests: arrays of bulk strings (what clients send) and inline commands (a
/// line of words, as typed in telnet or sent by redis-benchmark's ping_inline). Errors carry
/// Redis's own "Protocol error: ..." texts. Per connection: it reuses one argument buffer.
/// </summary>
public sealed class RespDecoder(int maxFrameSize, int maxArrayLength, int maxBulkLength) : IFrameDecoder<RespCommand>
{
    private const int MaxInlineLength = 64 * 1024; // Redis's PROTO_INLINE_MAX_SIZE
    private Range[] _args = new Range[8];

    public DecodeStatus Decode(ReadOnlySpan<byte> input, out RespCommand frame, out int consumed, out ProtocolError error)
    {
        frame = default;
        consumed = 0;
        error = default;
        if (input.IsEmpty)
            return DecodeStatus.NeedMoreData;
        var status = input[0] == (byte)'*' ? DecodeArray(input, out var count, out consumed, out error) : DecodeInline(input, out count, out consumed, out error);
        if (status == DecodeStatus.NeedMoreData && input.Length > maxFrameSize)
            return Fail(out error, "request larger than max-frame-size", CloseReason.FrameTooLarge);
        if (status == DecodeStatus.Frame)
            frame = new RespCommand(input, _args.AsSpan(0, count));
        return status;
    }

    private DecodeStatus DecodeArray(ReadOnlySpan<byte> input, out int count, out int consumed, out ProtocolError error)
    {
        count = 0;
        consumed = 0;
        error = default;
        if (!TryReadLine(input, 1, out var header, out var position))
            return input.Length > MaxInlineLength ? Fail(out error, "too big mbulk count string") : DecodeStatus.NeedMoreData;
        if (!Utf8Parser.TryParse(header, out long length, out var used) || used != header.Length || length > maxArrayLength)
            return Fail(out error, "invalid multibulk length");
        for (var i = 0; i < length; i++)
        {
            if (position >= input.Length)
                return DecodeStatus.NeedMoreData;
            if (input[position] != (byte)'$')
                return Fail(out error, $"expected '$', got '{(char)input[position]}'");
            if (!TryReadLine(input, position + 1, out var bulkHeader, out var dataStart))
                return DecodeStatus.NeedMoreData;
            if (!Utf8Parser.TryParse(bulkHeader, out long bulkLength, out used) || used != bulkHeader.Length || bulkLength < 0 || bulkLength > maxBulkLength)
                return Fail(out error, "invalid bulk length");
            var end = dataStart + (int)bulkLength;
            if (end + 2 > input.Length)
                return DecodeStatus.NeedMoreData;
            Add(ref count, new Range(dataStart, end));
            position = end + 2;
        }
        consumed = position;
        return DecodeStatus.Frame;
    }

    private DecodeStatus DecodeInline(ReadOnlySpan<byte> input, out int count, out int consumed, out ProtocolError error)
    {
        count = 0;
        consumed = 0;
        error = default;
        var newline = input.IndexOf((byte)'\n');
        if (newline < 0)
            return input.Length > MaxInlineLength ? Fail(out error, "too big inline request") : DecodeStatus.NeedMoreData;
        consumed = newline + 1;
        var end = newline > 0 && input[newline - 1] == (byte)'\r' ? newline - 1 : newline;
        var start = 0;
        while (start < end)
        {
            if (input[start] is (byte)' ' or (byte)'\t')
            {
                start++;
                continue;
            }
            var wordEnd = start;
            while (wordEnd < end && input[wordEnd] is not ((byte)' ' or (byte)'\t'))
                wordEnd++;
            Add(ref count, new Range(start, wordEnd));
            start = wordEnd;
        }
        return DecodeStatus.Frame;
    }

    private void Add(ref int count, Range range)
    {
        if (count == _args.Length)
            Array.Resize(ref _args, _args.Length * 2);
        _args[count++] = range;
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
