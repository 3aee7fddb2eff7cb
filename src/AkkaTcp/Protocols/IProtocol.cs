using System.Buffers;
using Akka.Actor;

namespace AkkaTcp.Protocols;

/// <summary>
/// A protocol a server speaks, named in HOCON (<c>akka-tcp.protocols</c>). One instance per server,
/// created at start-up with a public constructor taking a <see cref="ProtocolContext"/>; it must be
/// safe to call from any thread. Most protocols derive from <see cref="FramedProtocol{TFrame,TReply}"/>.
/// </summary>
public interface IProtocol
{
    /// <summary>
    /// Called once when the server starts, before it binds, with the server supervisor's context:
    /// actors the protocol needs (e.g. the resp keyspace) are created here as the supervisor's
    /// children, so they live and die with the server. Nothing by default.
    /// </summary>
    void Start(IActorContext server)
    {
    }

    /// <summary>Creates the per-connection state for a newly accepted connection.</summary>
    IProtocolSession OpenSession(ConnectionInfo connection);

    /// <summary>
    /// Writes what a client refused at admission is told before it is closed (echo: "ERR server
    /// busy"). Nothing by default.
    /// </summary>
    void WriteBusyReply(IBufferWriter<byte> output)
    {
    }
}
