using System.Buffers;
using AkkaTcp.Protocols;

namespace AkkaTcp.Connections;

/// <summary>
/// The connection actor's side of <see cref="IConnectionSink"/>: the session writes into the output
/// buffer and records a close request, which the actor acts on after the session returns.
/// </summary>
internal sealed class ConnectionSink : IConnectionSink
{
    private readonly OutputBuffer _output;

    public ConnectionSink(ConnectionInfo connection, OutputBuffer output)
    {
        Connection = connection;
        _output = output;
    }

    public ConnectionInfo Connection { get; }

    public IBufferWriter<byte> Output => _output;

    public bool IsClosing => CloseReason is not null;

    /// <summary>The reason of the first close request, if any.</summary>
    public CloseReason? CloseReason { get; private set; }

    public void Close(CloseReason reason) => CloseReason ??= reason;
}
