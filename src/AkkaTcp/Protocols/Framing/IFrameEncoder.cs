using System.Buffers;

namespace AkkaTcp.Protocols;

/// <summary>Turns a reply into bytes, written straight into the connection's pending output.</summary>
public interface IFrameEncoder<TReply> where TReply : allows ref struct
{
    void Encode(TReply reply, IBufferWriter<byte> output);
}
