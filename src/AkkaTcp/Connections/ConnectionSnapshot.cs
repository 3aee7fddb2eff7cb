using System.Net;

namespace AkkaTcp;

/// <summary>
/// One connection as the control interface lists it: its id and addresses, how long it has been
/// open, its traffic, the reply bytes it holds, and its state (waiting, serving, closing).
/// </summary>
public sealed record ConnectionSnapshot(
    long Id,
    string Server,
    EndPoint RemoteEndPoint,
    TimeSpan Age,
    long BytesReceived,
    long BytesSent,
    int PendingWriteBytes,
    string State);
