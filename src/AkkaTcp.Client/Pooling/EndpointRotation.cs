using System.Net;

namespace AkkaTcp.Client;

/// <summary>
/// The endpoints a pool dials (several members of one cluster), and which of them are down: an
/// endpoint that failed a dial is skipped for a backoff that doubles from reconnect-min-backoff up
/// to reconnect-max-backoff while it keeps failing, and is cleared by a dial that works. Not
/// thread-safe: the pool calls it under its lock.
/// </summary>
internal sealed class EndpointRotation
{
    private readonly EndPoint[] _endpoints;
    private readonly long[] _downUntil;
    private readonly TimeSpan[] _backoff;
    private readonly int[] _dialing;
    private readonly TimeSpan _minBackoff;
    private readonly TimeSpan _maxBackoff;

    public EndpointRotation(IReadOnlyList<EndPoint> endpoints, TimeSpan minBackoff, TimeSpan maxBackoff)
    {
        if (endpoints.Count == 0)
            throw new ArgumentException("a pool needs at least one endpoint", nameof(endpoints));
        _endpoints = [.. endpoints];
        _downUntil = new long[_endpoints.Length];
        _backoff = [.. _endpoints.Select(_ => minBackoff)];
        _dialing = new int[_endpoints.Length];
        _minBackoff = minBackoff;
        _maxBackoff = maxBackoff;
    }

    public IReadOnlyList<EndPoint> EndPoints => _endpoints;

    public int Count => _endpoints.Length;

    public bool IsDown(int index, long now) => _downUntil[index] > now;

    /// <summary>
    /// The endpoint to dial next, among those not <paramref name="tried"/> yet: an endpoint that is
    /// up with the fewest of the pool's connections and dials in progress (spreading them), else the
    /// down one whose backoff ends first (a last resort beats failing the caller); -1 when all were
    /// tried. The dial it returns counts until <see cref="MarkUp"/> or <see cref="MarkDown"/>.
    /// </summary>
    public int Pick(bool[] tried, Func<EndPoint, int> connectionsTo, long now)
    {
        var best = LeastBusyUp(tried, connectionsTo, now);
        if (best < 0)
            best = SoonestBack(tried);
        if (best >= 0)
            _dialing[best]++;
        return best;
    }

    private int LeastBusyUp(bool[] tried, Func<EndPoint, int> connectionsTo, long now)
    {
        var best = -1;
        var bestConnections = int.MaxValue;
        for (var i = 0; i < _endpoints.Length; i++)
        {
            if (tried[i] || IsDown(i, now))
                continue;
            var connections = connectionsTo(_endpoints[i]) + _dialing[i];
            if (connections < bestConnections)
            {
                best = i;
                bestConnections = connections;
            }
        }
        return best;
    }

    private int SoonestBack(bool[] tried)
    {
        var best = -1;
        for (var i = 0; i < _endpoints.Length; i++)
        {
            if (!tried[i] && (best < 0 || _downUntil[i] < _downUntil[best]))
                best = i;
        }
        return best;
    }

    public void MarkDown(int index, long now)
    {
        _dialing[index]--;
        _downUntil[index] = now + (long)_backoff[index].TotalMilliseconds;
        _backoff[index] = _backoff[index] * 2 > _maxBackoff ? _maxBackoff : _backoff[index] * 2;
    }

    /// <summary>A dial ended neither way (cancelled by its caller).</summary>
    public void DialEnded(int index) => _dialing[index]--;

    public void MarkUp(int index)
    {
        _dialing[index]--;
        _downUntil[index] = 0;
        _backoff[index] = _minBackoff;
    }
}
