using System.Diagnostics;

namespace AkkaTcp.Protocols;

/// <summary>
/// What a protocol records on the server's meter (see <see cref="AkkaTcpMetrics"/>): how long each
/// request took, by operation (a resp command, a json-rpc method), and gauges of its own state
/// (e.g. the keyspace size). Given to the protocol in <see cref="ProtocolContext.Metrics"/>.
/// </summary>
public sealed class ProtocolMetrics
{
    private readonly string _server;
    private readonly KeyValuePair<string, object?> _protocolTag;
    private ServerMetrics? _metrics;

    internal ProtocolMetrics(string server, string protocol)
    {
        _server = server;
        _protocolTag = new KeyValuePair<string, object?>("protocol", protocol);
    }

    /// <summary>True while something listens to request durations: take timestamps only then (never before the server starts).</summary>
    public bool RequestsEnabled => _metrics is { } metrics && metrics.Metrics.RequestDuration.Enabled;

    /// <summary>
    /// Records one request of <paramref name="operation"/> begun at <paramref name="startTimestamp"/>
    /// (<see cref="Stopwatch.GetTimestamp"/>). Operations must come from a fixed set (unknown
    /// commands as one name), or the metric's series grow without bound.
    /// </summary>
    public void RecordRequest(string operation, long startTimestamp)
    {
        if (_metrics is not { } metrics || !metrics.Metrics.RequestDuration.Enabled)
            return;
        metrics.Metrics.RequestDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, metrics.Tag, _protocolTag, new KeyValuePair<string, object?>("operation", operation));
    }

    /// <summary>
    /// Publishes a gauge read when metrics are collected (from any thread: <paramref name="read"/>
    /// must be cheap and thread-safe), tagged with this server. Call it from <see cref="IProtocol.Start"/>.
    /// </summary>
    public void ObserveGauge(string name, string unit, string description, Func<long> read) =>
        _metrics?.Metrics.ObserveGauge(name, unit, description, _server, read);

    /// <summary>Records on the meter of the server's run from now on.</summary>
    internal void Bind(ServerMetrics metrics) => _metrics = metrics;
}
