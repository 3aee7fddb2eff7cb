using System.Net;
using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Limits;

/// <summary>max-connections, the waiting room, reject, and max-connections-per-ip, over loopback.</summary>
public sealed class AdmissionTests(ITestOutputHelper output) : ServerSpec(output)
{
    private async Task AwaitQueuedAsync(AkkaTcpServer server, int queued) =>
        await AwaitAssertAsync(async () => Assert.Equal(queued, (await server.GetStatsAsync()).Queued));

    /// <summary>Counters follow the close a client sees by a message hop: wait for them.</summary>
    private Task AwaitStatsAsync(AkkaTcpServer server, long active, long queued, long refused) =>
        AwaitAssertAsync(async () =>
        {
            var stats = await server.GetStatsAsync();
            Assert.Equal((active, queued, refused), (stats.Active, stats.Queued, stats.Refused));
        });

    private async Task AssertRefusedAsync(RawLineClient client)
    {
        var (rest, clean) = await client.ReadToEndAsync(Within());
        Assert.Equal("ERR server busy\n", Encoding.ASCII.GetString(rest));
        Assert.True(clean, "the busy reply must arrive before a clean close");
    }

    [Fact]
    public async Task Beyond_the_limit_a_client_waits_unanswered_and_is_served_when_a_slot_frees()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.max-connections = 3");
        var first = await EchoingClientAsync(server, "one");
        await using var second = await EchoingClientAsync(server, "two");
        await using var third = await EchoingClientAsync(server, "three");

        await using var fourth = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await fourth.SendAsync("four\nstill four\n", Within());
        await AwaitQueuedAsync(server, 1);
        // The served clients carry on; a round trip on each shows the server has moved past the
        // fourth client's bytes without answering them.
        foreach (var (client, line) in new[] { (first, "a"), (second, "b"), (third, "c") })
        {
            await client.SendAsync(line + "\n", Within());
            Assert.Equal(line, await client.ReadLineAsync(Within()));
        }
        Assert.Equal(0, fourth.Socket.Available);

        await first.DisposeAsync();
        Assert.Equal("four", await fourth.ReadLineAsync(Within()));
        Assert.Equal("still four", await fourth.ReadLineAsync(Within()));
        await AwaitStatsAsync(server, active: 3, queued: 0, refused: 0);
    }

    [Fact]
    public async Task A_full_waiting_room_refuses_with_the_busy_reply()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main { max-connections = 3, max-queued-connections = 1 }
            """);
        await using var a = await EchoingClientAsync(server, "a");
        await using var b = await EchoingClientAsync(server, "b");
        await using var c = await EchoingClientAsync(server, "c");
        await using var waiting = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await AwaitQueuedAsync(server, 1);

        await using var fifth = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await fifth.SendAsync("let me in\n", Within());
        await AssertRefusedAsync(fifth);
        await AwaitStatsAsync(server, active: 3, queued: 1, refused: 1);
    }

    [Fact]
    public async Task With_reject_the_client_beyond_the_limit_is_refused_at_once()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main { max-connections = 3, over-limit = reject }
            """);
        await using var a = await EchoingClientAsync(server, "a");
        await using var b = await EchoingClientAsync(server, "b");
        await using var c = await EchoingClientAsync(server, "c");
        await using var fourth = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await AssertRefusedAsync(fourth);
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).ClosedWith(CloseReason.Refused)));

        await a.DisposeAsync();
        await AwaitAssertAsync(async () => Assert.Equal(2, (await server.GetStatsAsync()).Active));
        await using var afterSlotFreed = await EchoingClientAsync(server, "d");
    }

    [Fact]
    public async Task A_client_that_waits_past_queue_timeout_is_refused()
    {
        var server = await StartServerAsync("""
            akka-tcp.servers.main { max-connections = 1, queue-timeout = 300ms }
            """);
        await using var served = await EchoingClientAsync(server, "served");
        await using var waiting = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await waiting.SendAsync("hello?\n", Within());
        await AssertRefusedAsync(waiting);
        await AwaitStatsAsync(server, active: 1, queued: 0, refused: 1);
    }

    [Fact]
    public async Task A_waiting_client_that_closes_its_side_is_still_answered_when_served()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.max-connections = 1");
        var served = await EchoingClientAsync(server, "served");
        await using var waiting = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await waiting.SendAsync("owed a reply\n", Within());
        waiting.ShutdownSend();
        await AwaitQueuedAsync(server, 1);
        await served.DisposeAsync();
        var (rest, clean) = await waiting.ReadToEndAsync(Within());
        Assert.Equal("owed a reply\n", Encoding.ASCII.GetString(rest));
        Assert.True(clean);
    }

    [Fact]
    public async Task The_per_ip_limit_refuses_only_the_address_over_it()
    {
        var server = await StartServerAsync("akka-tcp.servers.main.max-connections-per-ip = 2");
        var first = IPAddress.Parse("127.0.0.1");
        var second = IPAddress.Parse("127.0.0.2");
        await using var a1 = await EchoingClientAsync(server, "a1", first);
        await using var a2 = await EchoingClientAsync(server, "a2", first);
        await using var a3 = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), first);
        await AssertRefusedAsync(a3);

        await using var b1 = await EchoingClientAsync(server, "b1", second);
        await using var b2 = await EchoingClientAsync(server, "b2", second);

        await a1.DisposeAsync();
        await AwaitAssertAsync(async () => Assert.Equal(3, (await server.GetStatsAsync()).Active));
        await using var a4 = await EchoingClientAsync(server, "a4", first);
        await AwaitStatsAsync(server, active: 4, queued: 0, refused: 1);
    }
}
