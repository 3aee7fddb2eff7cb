using System.Buffers;
using AkkaTcp.Protocols;

namespace AkkaTcp.Client;

/// <summary>Writes requests and reads replies on one client connection. Called only by that connection's actor.</summary>
public interface IClientCodec<TRequest, TResponse>
{
    /// <summary>Writes <paramref name="request"/>; <paramref name="id"/> is its correlation id (ignored by ordered protocols).</summary>
    void Encode(TRequest request, long id, IBufferWriter<byte> output);

    /// <summary>
    /// Looks for one reply at the start of <paramref name="input"/>, like a server's frame decoder.
    /// <paramref name="id"/> is the id the reply names, or -1 when it names none (ordered protocols).
    /// </summary>
    DecodeStatus Decode(ReadOnlySpan<byte> input, out TResponse response, out long id, out int consumed, out ProtocolError error);
}
