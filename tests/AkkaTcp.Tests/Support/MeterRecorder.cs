using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// An <see cref="AkkaTcpMetrics"/> made from a meter factory of its own, and a MeterListener that
/// sees only that factory's instruments: one test's servers, whatever else runs beside it. Totals
/// are keyed "instrument" or "instrument{tag=value,...}" with the tags in the order recorded,
/// server tag left out; histograms count their measurements.
/// </summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _totals = new();
    private readonly ConcurrentDictionary<string, double> _gauges = new();

    public MeterRecorder()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = _services.GetRequiredService<IMeterFactory>();
        Metrics = new AkkaTcpMetrics(factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public AkkaTcpMetrics Metrics { get; }

    /// <summary>The sum of a counter's measurements (a histogram's: their count).</summary>
    public double Total(string key) => _totals.GetValueOrDefault(key);

    /// <summary>A gauge's last reading, observed now.</summary>
    public double Gauge(string key)
    {
        _gauges.Clear();
        _listener.RecordObservableInstruments();
        return _gauges.GetValueOrDefault(key);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = Key(instrument.Name, tags);
        if (instrument is ObservableGauge<long> or ObservableGauge<double>)
            _gauges[key] = value;
        else
            _totals.AddOrUpdate(key, Measured(instrument, value), (_, total) => total + Measured(instrument, value));
    }

    private static double Measured(Instrument instrument, double value) => instrument is Histogram<double> ? 1 : value;

    private static string Key(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            if (tag.Key != "server")
                parts.Add($"{tag.Key}={tag.Value}");
        }
        return parts.Count == 0 ? name : $"{name}{{{string.Join(",", parts)}}}";
    }

    public void Dispose()
    {
        _listener.Dispose();
        Metrics.Dispose();
        _services.Dispose();
    }
}
