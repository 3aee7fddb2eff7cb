
namespace AkkaTcp;

/// <summary>Ask a server's supervisor for its counters; it answers with <see cref="ServerStats"/>.</summary>
internal sealed class GetServerStats
{
    public static readonly GetServerStats Instance = new();

    private GetServerStats()
    {
    }
}

/// <summary>
/// A server's counters at one moment. Accepted counts every TCP connection the listener got
/// (served, queued or refused); Active those being served; Queued those in the waiting room;
/// Refused those turned away (busy reply and close); Closed every ended one, also by reason.
/// The traffic totals count bytes read and handed to sockets, frames decoded and replies encoded.
/// </summary>
public sealed record ServerStats(
    long Active,
    long Queued,
    long Accepted,
    long Refused,
    long Closed,
    IReadOnlyDictionary<CloseReason, long> ClosedByReason)
{
    public long BytesReceived { get; init; }
    public long BytesSent { get; init; }
    public long FramesReceived { get; init; }
    public long FramesSent { get; init; }

    /// <summary>True while the server turns new clients away on request (<see cref="AkkaTcpServer.SuspendAcceptingAsync"/>).</summary>
    public bool Suspended { get; init; }

    public long ClosedWith(CloseReason reason) => ClosedByReason.TryGetValue(reason, out var count) ? count : 0;
}
