using System.Net;
using System.Net.Sockets;
using AkkaTcp.Tests.Support;
using Xunit;

namespace AkkaTcp.Tests.Host;

/// <summary>The host's Prometheus endpoint (akka-tcp.metrics.prometheus), scraped over HTTP as Prometheus does.</summary>
public sealed class MetricsEndpointTests
{
    private static CancellationToken Within(double seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task A_scrape_after_known_traffic_shows_its_connections_bytes_closes_and_the_runtime()
    {
        var port = ReusablePort.Next();
        await using var host = HostProcess.Start(["--port", "0", "--set", "akka-tcp.servers.main.max-frame-size=16", .. PrometheusScrape.HostArguments(port)]);
        var endPoint = await host.WaitUntilListeningAsync(Within());
        await using (var client = await RawLineClient.ConnectAsync(endPoint, Within()))
        {
            await client.SendAsync("one\ntwo\n", Within());
            Assert.Equal("one", await client.ReadLineAsync(Within()));
            Assert.Equal("two", await client.ReadLineAsync(Within()));
        }
        await using (var offender = await RawLineClient.ConnectAsync(endPoint, Within()))
        {
            await offender.SendAsync(new string('x', 40) + "\n", Within());
            await offender.ReadToEndAsync(Within());
        }

        var scrape = await PrometheusScrape.WaitForAsync(port, s =>
            s.Value("akkatcp_closed_connections_total", "reason=\"frame-too-large\"") == 1 && s.Value("akkatcp_closed_connections_total", "reason=\"peer-closed\"") == 1, Within());
        const string main = "server=\"main\"";
        Assert.Equal(2, scrape.Value("akkatcp_accepted_connections_total", main));
        Assert.Equal(0, scrape.Value("akkatcp_active_connections", main));
        Assert.Equal(1, scrape.Value("akkatcp_closed_connections_total", main, "reason=\"peer-closed\""));
        Assert.Equal(1, scrape.Value("akkatcp_closed_connections_total", main, "reason=\"frame-too-large\""));
        Assert.Equal(8 + 41, scrape.Value("akkatcp_network_io_bytes_total", main, "network_io_direction=\"receive\""));
        Assert.Equal(2, scrape.Value("akkatcp_frames_total", main, "network_io_direction=\"receive\""));
        Assert.Equal(1, scrape.Value("akkatcp_connection_duration_seconds_count", main, "reason=\"peer-closed\""));
        Assert.NotNull(scrape.Value("dotnet_gc_collections_total"));
        Assert.NotNull(scrape.Value("dotnet_thread_pool_thread_count_total"));
    }

    [Fact]
    public async Task A_metrics_port_already_taken_stops_the_host_with_one_line()
    {
        using var taken = new TakenPort();
        await using var host = HostProcess.Start(["--port", "0", .. PrometheusScrape.HostArguments(taken.Port)]);
        Assert.Equal(3, await host.WaitForExitAsync(Within()));
        Assert.Contains(host.Output, line => line.Contains($"metrics endpoint cannot listen on 127.0.0.1:{taken.Port}"));
        Assert.DoesNotContain(host.Output, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_endpoint_is_off_unless_enabled()
    {
        var port = ReusablePort.Next();
        await using var host = HostProcess.Start("--port", "0", "--set", $"akka-tcp.metrics.prometheus.port={port}");
        await host.WaitUntilListeningAsync(Within());
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Within()));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
