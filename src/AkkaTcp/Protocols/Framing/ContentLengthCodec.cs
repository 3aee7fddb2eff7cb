using System.Buffers;
using System.Buffers.Text;

namespace AkkaTcp.Protocols;

/// <summary>
/// Frames with a header block, as LSP and StreamJsonRpc's HeaderDelimitedMessageHandler write them:
/// "Content-Length: N\r\n" (other headers ignored), a blank line, then N bytes of body.
/// </summary>
public sealed class ContentLengthCodec(int maxFrameSize) : IFrameDecoder<ReadOnlySpan<byte>>, IFrameEncoder<ReadOnlySpan<byte>>
{
    private const int MaxHeaderSize = 4096;

    public DecodeStatus Decode(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> frame, out int consumed, out ProtocolError error)
    {
        frame = default;
        consumed = 0;
        error = default;
        var headerEnd = input.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
            return input.Length > MaxHeaderSize ? Fail(out error, "header block too long", CloseReason.ProtocolError) : DecodeStatus.NeedMoreData;
        var length = -1L;
        foreach (var range in input[..headerEnd].Split("\r\n"u8))
        {
            var line = input[..headerEnd][range];
            var colon = line.IndexOf((byte)':');
            if (colon < 0 || !System.Text.Ascii.EqualsIgnoreCase(line[..colon].Trim((byte)' '), "Content-Length"u8))
                continue;
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (!Utf8Parser.TryParse(value, out length, out var used) || used != value.Length || length < 0)
                return Fail(out error, "bad Content-Length header", CloseReason.ProtocolError);
        }
        if (length < 0)
            return Fail(out error, "missing Content-Length header", CloseReason.ProtocolError);
        if (length > maxFrameSize)
            return Fail(out error, $"message too long (max-frame-size is {maxFrameSize} bytes)", CloseReason.FrameTooLarge);
        var bodyStart = headerEnd + 4;
        if (input.Length - bodyStart < length)
            return DecodeStatus.NeedMoreData;
        frame = input.Slice(bodyStart, (int)length);
        consumed = bodyStart + (int)length;
        return DecodeStatus.Frame;
    }

    public void Encode(ReadOnlySpan<byte> reply, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(reply.Length + 40);
        "Content-Length: "u8.CopyTo(span);
        var at = 16;
        Utf8Formatter.TryFormat(reply.Length, span[at..], out var written);
        at += written;
        "\r\n\r\n"u8.CopyTo(span[at..]);
        at += 4;
        reply.CopyTo(span[at..]);
        output.Advance(at + reply.Length);
    }

    private static DecodeStatus Fail(out ProtocolError error, string message, CloseReason reason)
    {
        error = new ProtocolError(reason, message);
        return DecodeStatus.Error;
    }
}
