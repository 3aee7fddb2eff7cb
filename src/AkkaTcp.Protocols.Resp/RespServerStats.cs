using System.Diagnostics;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.PubSub;

namespace AkkaTcp.Protocols.Resp;

/// <summary>What INFO reports about one resp server; updated from every connection, so atomically.</summary>
internal sealed class RespServerStats(string serverName, TimeSpan requestTimeout, long maxStringLength, int partitions, MemoryLimit memory, PubSubLimits pubSubLimits)
{
    /// <summary>resp.pubsub's output limits for subscribers.</summary>
    public PubSubLimits PubSubLimits { get; } = pubSubLimits;

    public PubSub.PubSubCounts PubSub { get; } = new();

    /// <summary>This member's partitions' snapshots (resp.snapshot-interval, cluster mode).</summary>
    public Cluster.SnapshotStats Snapshots { get; } = new(partitions);

    /// <summary>maxmemory and maxmemory-policy, live.</summary>
    public MemoryLimit Memory { get; } = memory;

    private long _connected;
    private long _received;
    private long _commands;
    private long _blocked;

    public string ServerName { get; } = serverName;
    public TimeSpan RequestTimeout { get; } = requestTimeout;
    /// <summary>resp.max-bulk-length, Redis's proto-max-bulk-len: the longest string a command may make.</summary>
    public long MaxStringLength { get; } = maxStringLength;
    public long StartedAt { get; } = Stopwatch.GetTimestamp();
    public long Connected => Interlocked.Read(ref _connected);
    public long ConnectionsReceived => Interlocked.Read(ref _received);
    public long Commands => Interlocked.Read(ref _commands);
    public long BlockedClients => Interlocked.Read(ref _blocked);
    public RespClients Clients { get; } = new();

    /// <summary>Commands the connections answer themselves (and arity refusals of every command).</summary>
    public CommandStats Connection { get; } = new(shared: true);

    /// <summary>Each partition's own commands.</summary>
    public CommandStats[] Partitions { get; } = Enumerable.Range(0, partitions).Select(_ => new CommandStats(shared: false)).ToArray();

    public void OnConnected()
    {
        Interlocked.Increment(ref _connected);
        Interlocked.Increment(ref _received);
    }

    public void OnDisconnected() => Interlocked.Decrement(ref _connected);

    public void OnCommand() => Interlocked.Increment(ref _commands);

    public void OnBlocked(int change) => Interlocked.Add(ref _blocked, change);

    /// <summary>CONFIG RESETSTAT: the counters since start go back to zero (connected clients are a state, not a counter).</summary>
    public void ResetCounters()
    {
        Interlocked.Exchange(ref _commands, 0);
        Interlocked.Exchange(ref _received, 0);
        Connection.Reset();
    }
}
