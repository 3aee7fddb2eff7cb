using AkkaTcp.Connections;

namespace AkkaTcp.Listening;

/// <summary>Ask a server's supervisor for its counters; it answers with <see cref="ServerStats"/>.</summary>
public sealed class GetServerStats
{
    public static readonly GetServerStats Instance = new();

    private GetServerStats()
    {
    }
}

/// <summary>A server's connection counters at one moment.</summary>
public sealed record ServerStats(long Active, long Accepted, long Closed, IReadOnlyDictionary<CloseReason, long> ClosedByReason)
{
    public long ClosedWith(CloseReason reason) => ClosedByReason.TryGetValue(reason, out var count) ? count : 0;
}
