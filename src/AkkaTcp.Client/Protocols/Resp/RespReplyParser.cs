using System.Buffers.Text;
using AkkaTcp.Protocols;

namespace AkkaTcp.Client;

/// <summary>
/// Reads one RESP2 reply (+simple, -error, :integer, $bulk, *array, nested) from the start of the
/// input; NeedMoreData until it is whole. A bulk string or array larger than max-frame-size, or
/// a malformed header, is a protocol error.
/// </summary>
internal sealed class RespReplyParser(int maxFrameSize)
{
    private const int MaxDepth = 32;

    public DecodeStatus Parse(ReadOnlySpan<byte> input, out RespValue value, out int consumed, out ProtocolError error)
    {
        consumed = 0;
        error = default;
        var status = ParseAt(input, ref consumed, 0, out value, out var problem);
        if (status == DecodeStatus.Error)
            error = new ProtocolError(CloseReason.ProtocolError, problem);
        return status;
    }

    private DecodeStatus ParseAt(ReadOnlySpan<byte> input, ref int at, int depth, out RespValue value, out string problem)
    {
        value = RespValue.Null;
        problem = "";
        if (at >= input.Length)
            return DecodeStatus.NeedMoreData;
        var lineEnd = input[at..].IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            if (input.Length - at > maxFrameSize)
                return Fail(out problem, "reply line longer than max-frame-size");
            return DecodeStatus.NeedMoreData;
        }
        var type = input[at];
        var line = input.Slice(at + 1, lineEnd - 1);
        var next = at + lineEnd + 2;
        switch (type)
        {
            case (byte)'+':
                value = RespValue.Simple(System.Text.Encoding.UTF8.GetString(line));
                break;
            case (byte)'-':
                value = RespValue.Error(System.Text.Encoding.UTF8.GetString(line));
                break;
            case (byte)':':
                if (!TryParseLong(line, out var integer))
                    return Fail(out problem, "bad integer reply");
                value = RespValue.Number(integer);
                break;
            case (byte)'$':
                if (!TryParseLong(line, out var length) || length < -1 || length > maxFrameSize)
                    return Fail(out problem, "bad bulk string length");
                if (length >= 0)
                {
                    if (input.Length - next < length + 2)
                        return DecodeStatus.NeedMoreData;
                    if (!input.Slice(next + (int)length, 2).SequenceEqual("\r\n"u8))
                        return Fail(out problem, "bulk string not ended by CRLF");
                    value = RespValue.Bulk(input.Slice(next, (int)length).ToArray());
                    next += (int)length + 2;
                }
                break;
            case (byte)'*':
                if (!TryParseLong(line, out var count) || count < -1 || count > maxFrameSize)
                    return Fail(out problem, "bad array length");
                if (depth >= MaxDepth)
                    return Fail(out problem, "arrays nested too deep");
                if (count >= 0)
                {
                    var items = new RespValue[count];
                    for (var i = 0; i < count; i++)
                    {
                        var status = ParseAt(input, ref next, depth + 1, out items[i], out problem);
                        if (status != DecodeStatus.Frame)
                            return status;
                    }
                    value = RespValue.Array(items);
                }
                break;
            default:
                return Fail(out problem, $"unknown reply type '{(char)type}'");
        }
        at = next;
        return DecodeStatus.Frame;
    }

    private static bool TryParseLong(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out var used) && used == text.Length;

    private static DecodeStatus Fail(out string problem, string message)
    {
        problem = message;
        return DecodeStatus.Error;
    }
}
