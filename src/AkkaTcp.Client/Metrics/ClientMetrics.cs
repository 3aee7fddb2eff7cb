using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;

namespace AkkaTcp.Client;

/// <summary>
/// The client's instruments, on the same "AkkaTcp" meter as the server's, tagged with the
/// endpoint: pool size, idle connections and waiting callers (observed from every live pool),
/// and counters of request timeouts, dropped late replies and failed connects.
/// </summary>
internal static class ClientMetrics
{
    private static readonly ConcurrentDictionary<IPoolGauges, byte> Pools = new();

    // Its own Meter of the library's name: listeners subscribe by name, so both appear as one "AkkaTcp" meter.
    private static readonly Meter Meter = new(AkkaTcpMetrics.MeterName);

    private static readonly Counter<long> Timeouts = Meter.CreateCounter<long>(
        "akkatcp.client.requests.timeouts", "{request}", "Client requests that got no reply within their timeout");

    private static readonly Counter<long> DroppedReplies = Meter.CreateCounter<long>(
        "akkatcp.client.replies.dropped", "{reply}", "Replies that came after their caller gave up, dropped");

    private static readonly Counter<long> ConnectFailures = Meter.CreateCounter<long>(
        "akkatcp.client.connects.failed", "{connection}", "Client connection attempts that failed");

    static ClientMetrics()
    {
        Meter.CreateObservableUpDownCounter("akkatcp.client.pool.connections", () => Observe(p => p.Connections), "{connection}", "Open connections of each client pool");
        Meter.CreateObservableUpDownCounter("akkatcp.client.pool.idle", () => Observe(p => p.IdleConnections), "{connection}", "Pooled connections with no request in flight");
        Meter.CreateObservableUpDownCounter("akkatcp.client.pool.waiting", () => Observe(p => p.WaitingCallers), "{caller}", "Callers waiting for a pooled connection");
    }

    public static void Register(IPoolGauges pool) => Pools.TryAdd(pool, 0);

    public static void Unregister(IPoolGauges pool) => Pools.TryRemove(pool, out _);

    public static void OnRequestTimedOut(EndPoint endpoint) => Timeouts.Add(1, Tag(endpoint.ToString()));

    public static void OnLateReplyDropped() => DroppedReplies.Add(1);

    public static void OnConnectFailed(EndPoint endpoint) => ConnectFailures.Add(1, Tag(endpoint.ToString()));

    private static IEnumerable<Measurement<int>> Observe(Func<IPoolGauges, int> read)
    {
        foreach (var pool in Pools.Keys)
            yield return new Measurement<int>(read(pool), Tag(pool.EndPointName));
    }

    private static KeyValuePair<string, object?> Tag(string? endpoint) => new("endpoint", endpoint);
}
