using System.Buffers;
using System.Buffers.Text;

namespace AkkaTcp.Protocols.Resp;

/// <summary>Writes RESP2 replies straight into the connection's output.</summary>
internal sealed class RespEncoder : IFrameEncoder<RespReply>
{
    public static readonly RespEncoder Instance = new();

    public void Encode(RespReply reply, IBufferWriter<byte> output)
    {
        switch (reply.Kind)
        {
            case RespReplyKind.SimpleString:
                Line(output, (byte)'+', reply.Bytes);
                break;
            case RespReplyKind.Error:
                Line(output, (byte)'-', reply.Bytes);
                break;
            case RespReplyKind.Integer:
                Number(output, (byte)':', reply.Integer);
                break;
            case RespReplyKind.ArrayHeader:
                Number(output, (byte)'*', reply.Integer);
                break;
            case RespReplyKind.Null:
                Line(output, (byte)'$', "-1"u8);
                break;
            default:
                Number(output, (byte)'$', reply.Bytes.Length);
                Line(output, null, reply.Bytes);
                break;
        }
    }

    private static void Line(IBufferWriter<byte> output, byte? prefix, ReadOnlySpan<byte> text)
    {
        var length = (prefix is null ? 0 : 1) + text.Length + 2;
        var span = output.GetSpan(length);
        var at = 0;
        if (prefix is { } p)
            span[at++] = p;
        text.CopyTo(span[at..]);
        at += text.Length;
        span[at++] = (byte)'\r';
        span[at++] = (byte)'\n';
        output.Advance(at);
    }

    private static void Number(IBufferWriter<byte> output, byte prefix, long value)
    {
        var span = output.GetSpan(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        output.Advance(written + 3);
    }
}
