using System.Buffers;
using System.Text;
using AkkaTcp.Protocols;

namespace AkkaTcp.Client;

/// <summary>
/// Line protocols (echo, random, your own): a request is one line, its reply the next line back.
/// Replies come in order, so requests pipeline. Framed by the server's own <see cref="LineCodec"/>.
/// </summary>
public sealed class LineClientProtocol(string? ping = null, byte delimiter = (byte)'\n') : IClientProtocol<string, string>
{
    public Correlation Correlation => Correlation.ByOrder;

    /// <summary>A line that checks the connection (echo: any line; with the echo heartbeat, "PING").</summary>
    public string? Ping => ping;

    public IClientCodec<string, string> CreateCodec(int maxFrameSize) => new Codec(new LineCodec(delimiter, maxFrameSize));

    private sealed class Codec(LineCodec lines) : IClientCodec<string, string>
    {
        public void Encode(string request, long id, IBufferWriter<byte> output)
        {
            var length = Encoding.UTF8.GetByteCount(request);
            var span = output.GetSpan(length + 1);
            Encoding.UTF8.GetBytes(request, span);
            span[length] = lines.Delimiter;
            output.Advance(length + 1);
        }

        public DecodeStatus Decode(ReadOnlySpan<byte> input, out string response, out long id, out int consumed, out ProtocolError error)
        {
            id = -1;
            var status = lines.Decode(input, out var frame, out consumed, out error);
            response = status == DecodeStatus.Frame ? Encoding.UTF8.GetString(frame) : "";
            return status;
        }
    }
}
