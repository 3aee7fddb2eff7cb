using System.Net.Sockets;
using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Shutdown;

/// <summary>The three shutdown steps on a real server: stop accepting, drain, unbind.</summary>
public sealed class DrainTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string SlowEcho = """
        akka-tcp.protocols.slow-echo = "AkkaTcp.Tests.Protocols.SlowEchoProtocol, AkkaTcp.Tests"
        akka-tcp.servers.main.protocol = slow-echo
        """;

    [Fact]
    public async Task Deferred_replies_keep_request_order()
    {
        var server = await StartServerAsync(SlowEcho);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("sleep 300\nquick\nsleep 10\nlast\n", Within());
        Assert.Equal("slept 300", await client.ReadLineAsync(Within()));
        Assert.Equal("quick", await client.ReadLineAsync(Within()));
        Assert.Equal("slept 10", await client.ReadLineAsync(Within()));
        Assert.Equal("last", await client.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task After_stop_accepting_a_new_client_is_closed_unserved_while_served_ones_carry_on()
    {
        var server = await StartServerAsync();
        await using var served = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await served.SendAsync("before\n", Within());
        Assert.Equal("before", await served.ReadLineAsync(Within()));

        await server.StopAcceptingAsync();
        await using var late = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await late.SendAsync("anyone?\n", Within());
        var (rest, _) = await late.ReadToEndAsync(Within());
        Assert.Empty(rest);

        await served.SendAsync("still served\n", Within());
        Assert.Equal("still served", await served.ReadLineAsync(Within()));
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).ClosedWith(CloseReason.Shutdown)));
    }

    [Fact]
    public async Task Drain_delivers_a_reply_answered_500_ms_later_then_closes_cleanly_and_unbind_closes_the_port()
    {
        var server = await StartServerAsync(SlowEcho);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("now\nsleep 500\nafter\n", Within());
        Assert.Equal("now", await client.ReadLineAsync(Within())); // the whole segment has been read

        await server.StopAcceptingAsync();
        var drain = server.DrainAsync();
        Assert.Equal("slept 500", await client.ReadLineAsync(Within()));
        Assert.Equal("after", await client.ReadLineAsync(Within()));
        var (rest, clean) = await client.ReadToEndAsync(Within());
        Assert.Empty(rest);
        Assert.True(clean, "a drained connection ends with FIN, not a reset");

        var result = await drain;
        Assert.Equal((1, 0), (result.Drained, result.StillOpen));
        Assert.Equal(0, (await server.UnbindAsync()).Cut);
        // The listener lives on after the unbind (a crash would restart it, bind the port again and
        // reset its counters): the stats round trip comes after Akka.IO's listener's termination.
        Assert.Equal(1, (await server.GetStatsAsync()).Accepted);
        Assert.Equal(0, (await server.UnbindAsync()).Cut); // a second unbind (CoordinatedShutdown after a manual one) answers at once
        var refused = await Assert.ThrowsAsync<SocketException>(() => RawLineClient.ConnectAsync(server.LocalEndPoint, Within()));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task A_client_that_never_reads_is_still_open_at_drain_timeout_and_is_cut_by_unbind()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main { drain-timeout = 2s, write-timeout = 0, idle-timeout = 0, send-buffer-size = 16k }
            """);
        await using var reader = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await using var nonReader = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), receiveBufferSize: 4096);
        var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('n', 99) + "\n", 3000)));
        // 300 KB it never reads the answers to: more than the kernel's buffers (a 16 KiB send buffer) take.
        _ = nonReader.SendAsync(lines, Within());
        await reader.SendAsync("hi\n", Within());
        Assert.Equal("hi", await reader.ReadLineAsync(Within()));
        await AwaitAssertAsync(async () => Assert.True((await server.GetStatsAsync()).Accepted == 2));
        // The drain serves only what was read before it: wait until that owes more than the kernel takes.
        await AwaitAssertAsync(async () => Assert.True((await server.GetStatsAsync()).BytesReceived > 128 * 1024));

        var drain = server.DrainAsync();
        var (_, clean) = await reader.ReadToEndAsync(Within());
        Assert.True(clean);
        var result = await drain;
        Assert.Equal((1, 1), (result.Drained, result.StillOpen));
        Assert.Equal(1, (await server.UnbindAsync()).Cut);
    }

    [Fact]
    public async Task Echo_says_goodbye_on_drain_when_configured()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main.echo.drain-message = "BYE server shutting down"
            """);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync("hello\n", Within());
        Assert.Equal("hello", await client.ReadLineAsync(Within()));
        var drain = server.DrainAsync();
        var (rest, clean) = await client.ReadToEndAsync(Within());
        Assert.Equal("BYE server shutting down\n", Encoding.ASCII.GetString(rest));
        Assert.True(clean);
        Assert.Equal(1, (await drain).Drained);
    }
}
