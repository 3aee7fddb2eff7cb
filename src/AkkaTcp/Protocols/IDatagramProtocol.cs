using System.Buffers;

namespace AkkaTcp.Protocols;

/// <summary>
/// A protocol that can also serve UDP (<c>transport = udp</c>): each datagram is one frame, handled
/// by the same handler type as over TCP (a new one per datagram, given that datagram's source),
/// and its reply (if any) is one datagram back.
/// </summary>
public interface IDatagramProtocol
{
    /// <summary>Handles one datagram and writes its reply (nothing for no reply). Called on the UDP listener actor.</summary>
    void OnDatagram(ReadOnlySpan<byte> datagram, ConnectionInfo source, IBufferWriter<byte> reply);
}
