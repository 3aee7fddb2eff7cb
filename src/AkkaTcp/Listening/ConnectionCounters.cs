
namespace AkkaTcp.Listening;

/// <summary>A listener's cumulative connection counters; touched only by the listener actor.</summary>
internal sealed class ConnectionCounters(ServerMetrics metrics)
{
    private readonly long[] _closedByReason = new long[CloseReasons.Count];

    public long Accepted { get; private set; }
    public long Closed { get; private set; }

    public void OnAccepted()
    {
        Accepted++;
        metrics.OnAccepted();
    }

    public void OnClosed(CloseReason reason)
    {
        Closed++;
        metrics.OnClosed(reason);
        _closedByReason[(int)reason]++;
    }

    public ServerStats Snapshot(long active, long queued, bool suspended)
    {
        var traffic = metrics.Totals;
        var byReason = new Dictionary<CloseReason, long>();
        for (var i = 0; i < _closedByReason.Length; i++)
        {
            if (_closedByReason[i] > 0)
                byReason[(CloseReason)i] = _closedByReason[i];
        }
        return new ServerStats(active, queued, Accepted, _closedByReason[(int)CloseReason.Refused], Closed, byReason)
        {
            BytesReceived = traffic.BytesReceived,
            BytesSent = traffic.BytesSent,
            FramesReceived = traffic.FramesReceived,
            FramesSent = traffic.FramesSent,
            Suspended = suspended,
        };
    }
}
