using AkkaTcp.Connections;

namespace AkkaTcp.Listening;

/// <summary>A listener's connection counters; touched only by the listener actor.</summary>
internal sealed class ConnectionCounters
{
    private readonly long[] _closedByReason = new long[CloseReasons.Count];

    public long Active { get; private set; }
    public long Accepted { get; private set; }
    public long Closed { get; private set; }

    public void OnAccepted()
    {
        Accepted++;
        Active++;
    }

    public void OnClosed(CloseReason reason)
    {
        Active--;
        Closed++;
        _closedByReason[(int)reason]++;
    }

    public ServerStats Snapshot()
    {
        var byReason = new Dictionary<CloseReason, long>();
        for (var i = 0; i < _closedByReason.Length; i++)
        {
            if (_closedByReason[i] > 0)
                byReason[(CloseReason)i] = _closedByReason[i];
        }
        return new ServerStats(Active, Accepted, Closed, byReason);
    }
}
