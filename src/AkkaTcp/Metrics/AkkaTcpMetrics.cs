using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AkkaTcp;

/// <summary>
/// The "AkkaTcp" meter (System.Diagnostics.Metrics), readable by OpenTelemetry, dotnet-counters
/// and MeterListener. Instrument names follow OpenTelemetry's conventions as Kestrel's do
/// (<c>akkatcp.active_connections</c> like <c>kestrel.active_connections</c>); every measurement is
/// tagged with its server. A host that owns an <see cref="IMeterFactory"/> creates one instance
/// from it and passes it to <see cref="AkkaTcpServer.StartAsync"/>; without one, servers record on
/// <see cref="Shared"/>. Recording costs a branch when nobody listens.
/// </summary>
public sealed class AkkaTcpMetrics : IDisposable
{
    public const string MeterName = "AkkaTcp";

    private readonly ConcurrentDictionary<ServerMetrics, byte> _servers = new();
    private readonly ConcurrentDictionary<string, ObservedGauge> _gauges = new();

    /// <summary>Creates the meter through <paramref name="meterFactory"/> (so the factory's owner scopes and disposes it), or on its own when null.</summary>
    public AkkaTcpMetrics(IMeterFactory? meterFactory = null)
    {
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Active = Meter.CreateUpDownCounter<long>("akkatcp.active_connections", "{connection}", "Connections being served");
        Queued = Meter.CreateUpDownCounter<long>("akkatcp.queued_connections", "{connection}", "Connections waiting for a slot (over-limit = queue)");
        Accepted = Meter.CreateCounter<long>("akkatcp.accepted_connections", "{connection}", "TCP connections the listener got (served, queued or refused)");
        Rejected = Meter.CreateCounter<long>("akkatcp.rejected_connections", "{connection}", "Connections refused unserved, by reason");
        Closed = Meter.CreateCounter<long>("akkatcp.closed_connections", "{connection}", "Connections ended, by close reason");
        Duration = Meter.CreateHistogram<double>("akkatcp.connection.duration", "s", "How long connections lived, by close reason",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.1, 1, 10, 60, 600, 3600, 86400] });
        NetworkIo = Meter.CreateCounter<long>("akkatcp.network.io", "By", "Bytes read from clients (receive) and handed to their sockets (transmit)");
        Frames = Meter.CreateCounter<long>("akkatcp.frames", "{frame}", "Frames decoded from clients (receive) and replies encoded (transmit)");
        RequestDuration = Meter.CreateHistogram<double>("akkatcp.request.duration", "s", "Time from a request's decoding to its reply, by protocol operation",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] });
        TlsHandshakeDuration = Meter.CreateHistogram<double>("akkatcp.tls_handshake.duration", "s", "TLS handshakes, by protocol version, or by error.type when one failed",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 10] });
        PendingWriteBytes = Meter.CreateObservableGauge("akkatcp.pending_write_bytes", ObservePendingBytes, "By",
            "Reply bytes the server's connections hold: written by the protocol, not yet acknowledged by the socket");
    }

    /// <summary>Used by servers started without an instance of their own.</summary>
    public static AkkaTcpMetrics Shared { get; } = new();

    internal Meter Meter { get; }
    internal UpDownCounter<long> Active { get; }
    internal UpDownCounter<long> Queued { get; }
    internal Counter<long> Accepted { get; }
    internal Counter<long> Rejected { get; }
    internal Counter<long> Closed { get; }
    internal Histogram<double> Duration { get; }
    internal Counter<long> NetworkIo { get; }
    internal Counter<long> Frames { get; }
    internal Histogram<double> RequestDuration { get; }
    internal ObservableGauge<long> PendingWriteBytes { get; }
    internal Histogram<double> TlsHandshakeDuration { get; }

    /// <summary>A recorder for one server's run, until <see cref="Release"/>: its measurements carry the server's name, its totals are its own.</summary>
    internal ServerMetrics ForServer(string server)
    {
        var metrics = new ServerMetrics(this, server);
        _servers[metrics] = 0;
        return metrics;
    }

    /// <summary>The server has stopped: its gauges stop reporting (those of its name, unless it runs again already).</summary>
    internal void Release(ServerMetrics server)
    {
        _servers.TryRemove(server, out _);
        if (_servers.Keys.Any(other => other.Name == server.Name))
            return;
        foreach (var gauge in _gauges.Values)
            gauge.Remove(server.Name);
    }

    /// <summary>Adds one server's reading to the gauge <paramref name="name"/>, created on first use (see <see cref="Protocols.ProtocolMetrics.ObserveGauge"/>).</summary>
    internal void ObserveGauge(string name, string unit, string description, string server, Func<long> read) =>
        _gauges.GetOrAdd(name, _ => new ObservedGauge(Meter, name, unit, description)).Set(server, read);

    private IEnumerable<Measurement<long>> ObservePendingBytes()
    {
        foreach (var server in _servers.Keys)
            yield return new Measurement<long>(server.PendingWriteBytes, server.Tag);
    }

    public void Dispose() => Meter.Dispose();

    private sealed class ObservedGauge
    {
        private readonly ConcurrentDictionary<string, Func<long>> _readers = new();

        public ObservedGauge(Meter meter, string name, string unit, string description) =>
            meter.CreateObservableGauge(name, Observe, unit, description);

        public void Set(string server, Func<long> read) => _readers[server] = read;

        public void Remove(string server) => _readers.TryRemove(server, out _);

        private IEnumerable<Measurement<long>> Observe()
        {
            foreach (var (server, read) in _readers)
                yield return new Measurement<long>(read(), new KeyValuePair<string, object?>("server", server));
        }
    }
}
