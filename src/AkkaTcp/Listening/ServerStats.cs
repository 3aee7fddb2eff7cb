
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
/// A server's connection counters at one moment. Accepted counts every TCP connection the listener
/// got (served, queued or refused); Active those being served; Queued those in the waiting room;
/// Refused those turned away (busy reply and close); Closed every ended one, also by reason.
/// </summary>
public sealed record ServerStats(
    long Active,
    long Queued,
    long Accepted,
    long Refused,
    long Closed,
    IReadOnlyDictionary<CloseReason, long> ClosedByReason)
{
    public long ClosedWith(CloseReason reason) => ClosedByReason.TryGetValue(reason, out var count) ? count : 0;
}
