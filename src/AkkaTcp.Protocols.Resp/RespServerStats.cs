using System.Diagnostics;

namespace AkkaTcp.Protocols.Resp;

/// <summary>What INFO reports about one resp server; updated from every connection, so atomically.</summary>
internal sealed class RespServerStats(string serverName, TimeSpan requestTimeout)
{
    private long _connected;
    private long _received;
    private long _commands;

    public string ServerName { get; } = serverName;
    public TimeSpan RequestTimeout { get; } = requestTimeout;
    public long StartedAt { get; } = Stopwatch.GetTimestamp();
    public long Connected => Interlocked.Read(ref _connected);
    public long ConnectionsReceived => Interlocked.Read(ref _received);
    public long Commands => Interlocked.Read(ref _commands);

    public void OnConnected()
    {
        Interlocked.Increment(ref _connected);
        Interlocked.Increment(ref _received);
    }

    public void OnDisconnected() => Interlocked.Decrement(ref _connected);

    public void OnCommand() => Interlocked.Increment(ref _commands);

    /// <summary>CONFIG RESETSTAT: the counters since start go back to zero (connected clients are a state, not a counter).</summary>
    public void ResetCounters()
    {
        Interlocked.Exchange(ref _commands, 0);
        Interlocked.Exchange(ref _received, 0);
    }
}
