using System.Net;
using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Metrics;

/// <summary>
/// The AkkaTcp meter, read as any MeterListener (OpenTelemetry, dotnet-counters) would. Each test
/// starts its servers on an <see cref="AkkaTcpMetrics"/> of its own meter factory, so it sees only
/// its own servers' numbers.
/// </summary>
public sealed class MetricsTests(ITestOutputHelper output) : ServerSpec(output)
{
    private readonly MeterRecorder _recorder = new();

    protected override void AfterAll()
    {
        _recorder.Dispose();
        base.AfterAll();
    }

    private Task<AkkaTcpServer> StartAsync(string hocon) =>
        AkkaTcpServer.StartAsync(Sys, LoadSettings(hocon).Servers[0], _recorder.Metrics);

    [Fact]
    public async Task Connections_bytes_and_frames_are_measured_and_closes_counted_by_reason()
    {
        var server = await StartAsync("akka-tcp.servers.main.max-frame-size = 10");
        await using (var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within()))
        {
            await client.SendAsync("hello\nworld\n", Within());
            Assert.Equal("hello", await client.ReadLineAsync(Within()));
            Assert.Equal("world", await client.ReadLineAsync(Within()));
            await AwaitAssertAsync(() => Assert.Equal(1, _recorder.Total("akkatcp.active_connections")));
        }
        await using (var offender = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within()))
        {
            await offender.SendAsync("far too long for ten bytes\n", Within());
            await offender.ReadToEndAsync(Within());
        }

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(2, _recorder.Total("akkatcp.accepted_connections"));
            Assert.Equal(0, _recorder.Total("akkatcp.active_connections"));
            Assert.Equal(1, _recorder.Total("akkatcp.closed_connections{reason=peer-closed}"));
            Assert.Equal(1, _recorder.Total("akkatcp.closed_connections{reason=frame-too-large}"));
            Assert.Equal(1, _recorder.Total("akkatcp.connection.duration{reason=peer-closed}"));
            Assert.Equal(1, _recorder.Total("akkatcp.connection.duration{reason=frame-too-large}"));
            Assert.Equal(12 + 27, _recorder.Total("akkatcp.network.io{network.io.direction=receive}"));
            Assert.Equal(12 + "ERR line too long (max-frame-size is 10 bytes)\n".Length, _recorder.Total("akkatcp.network.io{network.io.direction=transmit}"));
            Assert.Equal(2, _recorder.Total("akkatcp.frames{network.io.direction=receive}"));
            Assert.Equal(3, _recorder.Total("akkatcp.frames{network.io.direction=transmit}")); // two echoes and the error
        });
    }

    [Fact]
    public async Task Refused_connections_are_counted_by_why_they_were_refused()
    {
        var server = await StartAsync("""
            akka-tcp.servers.main { max-connections = 2, over-limit = reject, max-connections-per-ip = 1 }
            """);
        await using var first = await EchoingClientAsync(server, "hi", IPAddress.Parse("127.0.0.1"));
        await using (var sameAddress = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), IPAddress.Loopback))
            await sameAddress.ReadToEndAsync(Within());
        await using var second = await EchoingClientAsync(server, "hi", IPAddress.Parse("127.0.0.2"));
        await using (var overLimit = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), IPAddress.Parse("127.0.0.3")))
            await overLimit.ReadToEndAsync(Within());

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(1, _recorder.Total("akkatcp.rejected_connections{reason=max-connections-per-ip}"));
            Assert.Equal(1, _recorder.Total("akkatcp.rejected_connections{reason=max-connections}"));
            Assert.Equal(2, _recorder.Total("akkatcp.closed_connections{reason=refused}"));
            Assert.Equal(2, _recorder.Total("akkatcp.active_connections"));
        });
    }

    [Fact]
    public async Task The_waiting_room_is_counted_while_clients_wait_and_a_queue_timeout_is_a_refusal()
    {
        var server = await StartAsync("""
            akka-tcp.servers.main { max-connections = 1, over-limit = queue, queue-timeout = 2s }
            """);
        var served = await EchoingClientAsync(server, "hi", IPAddress.Parse("127.0.0.1"));
        await using var waiting = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await waiting.SendAsync("queued\n", Within());
        await AwaitAssertAsync(() => Assert.Equal(1, _recorder.Total("akkatcp.queued_connections")));

        await served.DisposeAsync();
        Assert.Equal("queued", await waiting.ReadLineAsync(Within()));
        await AwaitAssertAsync(() =>
        {
            Assert.Equal(0, _recorder.Total("akkatcp.queued_connections"));
            Assert.Equal(1, _recorder.Total("akkatcp.active_connections"));
        });

        await using var timesOut = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await timesOut.ReadToEndAsync(Within());
        await AwaitAssertAsync(() =>
        {
            Assert.Equal(1, _recorder.Total("akkatcp.rejected_connections{reason=queue-timeout}"));
            Assert.Equal(0, _recorder.Total("akkatcp.queued_connections"));
        });
    }

    [Fact]
    public async Task Reply_bytes_a_client_does_not_read_are_pending_until_its_connection_ends()
    {
        var server = await StartAsync("""
            akka-tcp.servers.main { send-buffer-size = 16k, write-timeout = 0 }
            """);
        var reader = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), receiveBufferSize: 4096);
        var line = Encoding.ASCII.GetBytes(new string('x', 1023) + "\n");
        // Sent while the server echoes into a socket nobody reads: what the kernel cannot take stays pending.
        await EventuallyAsync(() =>
        {
            reader.Socket.Send(line);
            return _recorder.Gauge("akkatcp.pending_write_bytes") > 0;
        }, seconds: 20);

        await reader.DisposeAsync();
        await AwaitAssertAsync(() => Assert.Equal(0, _recorder.Gauge("akkatcp.pending_write_bytes")));
    }

    [Fact]
    public async Task Resp_commands_are_timed_by_name_and_the_keyspace_size_is_a_gauge()
    {
        var server = await StartAsync("akka-tcp.servers.main.protocol = resp");
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("SET a 1\r\nSET b 2\r\nGET a\r\nMGET a b\r\nPING\r\nNOSUCH\r\n", Within());
        string[] expected = ["+OK", "+OK", "$1", "1", "*2", "$1", "1", "$1", "2", "+PONG"];
        foreach (var line in expected)
            Assert.Equal(line + "\r", await client.ReadLineAsync(Within()));
        Assert.StartsWith("-ERR unknown command", await client.ReadLineAsync(Within()));

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(2, _recorder.Total("akkatcp.request.duration{protocol=resp,operation=set}"));
            Assert.Equal(1, _recorder.Total("akkatcp.request.duration{protocol=resp,operation=get}"));
            Assert.Equal(1, _recorder.Total("akkatcp.request.duration{protocol=resp,operation=mget}"));
            Assert.Equal(1, _recorder.Total("akkatcp.request.duration{protocol=resp,operation=ping}"));
            Assert.Equal(1, _recorder.Total("akkatcp.request.duration{protocol=resp,operation=unknown}"));
            Assert.Equal(2, _recorder.Gauge("akkatcp.resp.keyspace.keys"));
        });
    }

    [Fact]
    public async Task Json_rpc_methods_are_timed_by_name()
    {
        var server = await StartAsync("akka-tcp.servers.main.protocol = json-rpc");
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("""
            {"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}
            {"jsonrpc":"2.0","method":"add","params":[3,4],"id":2}
            {"jsonrpc":"2.0","method":"nosuch","id":3}

            """, Within());
        for (var i = 0; i < 3; i++)
            await client.ReadLineAsync(Within());

        await AwaitAssertAsync(() =>
        {
            Assert.Equal(2, _recorder.Total("akkatcp.request.duration{protocol=json-rpc,operation=add}"));
            Assert.Equal(0, _recorder.Total("akkatcp.request.duration{protocol=json-rpc,operation=nosuch}"));
        });
    }
}
