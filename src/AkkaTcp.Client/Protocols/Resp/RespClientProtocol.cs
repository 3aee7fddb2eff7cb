using System.Buffers;
using System.Buffers.Text;
using System.Text;
using AkkaTcp.Protocols;

namespace AkkaTcp.Client;

/// <summary>
/// RESP2: a request is a command's arguments, sent as an array of bulk strings (as redis-cli
/// does); replies come in order, so commands pipeline. Ping: PING.
/// </summary>
public sealed class RespClientProtocol : IClientProtocol<string[], RespValue>
{
    public static RespClientProtocol Instance { get; } = new();

    public Correlation Correlation => Correlation.ByOrder;

    public string[]? Ping { get; } = ["PING"];

    public IClientCodec<string[], RespValue> CreateCodec(int maxFrameSize) => new Codec(new RespReplyParser(maxFrameSize));

    private sealed class Codec(RespReplyParser parser) : IClientCodec<string[], RespValue>
    {
        public void Encode(string[] request, long id, IBufferWriter<byte> output)
        {
            WriteHeader(output, (byte)'*', request.Length);
            foreach (var argument in request)
            {
                var length = Encoding.UTF8.GetByteCount(argument);
                WriteHeader(output, (byte)'$', length);
                var span = output.GetSpan(length + 2);
                Encoding.UTF8.GetBytes(argument, span);
                "\r\n"u8.CopyTo(span[length..]);
                output.Advance(length + 2);
            }
        }

        public DecodeStatus Decode(ReadOnlySpan<byte> input, out RespValue response, out long id, out int consumed, out ProtocolError error)
        {
            id = -1;
            return parser.Parse(input, out response, out consumed, out error);
        }

        private static void WriteHeader(IBufferWriter<byte> output, byte type, int length)
        {
            var span = output.GetSpan(16);
            span[0] = type;
            Utf8Formatter.TryFormat(length, span[1..], out var written);
            "\r\n"u8.CopyTo(span[(1 + written)..]);
            output.Advance(written + 3);
        }
    }
}
