using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Metrics;

/// <summary>The AkkaTcp meter, read as any MeterListener (OpenTelemetry, dotnet-counters) would.</summary>
public sealed class MetricsTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Connections_and_bytes_are_measured_per_server_and_closes_per_reason()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AkkaTcpMetrics.MeterName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? server = null, reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "server") server = tag.Value as string;
                if (tag.Key == "reason") reason = tag.Value as string;
            }
            if (server == "metered") // other tests run servers too, all named main
                totals.AddOrUpdate(reason is null ? instrument.Name : $"{instrument.Name}/{reason}", value, (_, total) => total + value);
        });
        listener.Start();

        var settings = LoadSettings("akka-tcp.servers.metered { port = 0, max-frame-size = 10 }").Servers.Single(s => s.Name == "metered");
        var server = await AkkaTcpServer.StartAsync(Sys, settings);
        await using (var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within()))
        {
            await client.SendAsync("hello\n", Within());
            Assert.Equal("hello", await client.ReadLineAsync(Within()));
            await AwaitAssertAsync(() => Assert.Equal(1, totals.GetValueOrDefault("akkatcp.connections.active")));
        }
        await using (var offender = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within()))
        {
            await offender.SendAsync("far too long for ten bytes\n", Within());
            await offender.ReadToEndAsync(Within());
        }

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(2, totals.GetValueOrDefault("akkatcp.connections.accepted"));
            Assert.Equal(0, totals.GetValueOrDefault("akkatcp.connections.active"));
            Assert.Equal(1, totals.GetValueOrDefault("akkatcp.connections.closed/peer-closed"));
            Assert.Equal(1, totals.GetValueOrDefault("akkatcp.connections.closed/frame-too-large"));
            Assert.Equal(6 + 27, totals.GetValueOrDefault("akkatcp.bytes.received"));
            Assert.Equal(6 + "ERR line too long (max-frame-size is 10 bytes)\n".Length, totals.GetValueOrDefault("akkatcp.bytes.sent"));
        });
    }
}
