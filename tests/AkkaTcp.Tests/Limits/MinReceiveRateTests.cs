using AkkaTcp.Connections;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Limits;

/// <summary>min-receive-rate: a frame in progress must keep coming; silence between frames is free.</summary>
public sealed class MinReceiveRateTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string Rate = """
        akka-tcp.servers.main { idle-timeout = 0, min-receive-rate { bytes-per-second = 200, grace-period = 1s } }
        """;

    [Fact]
    public async Task A_client_that_trickles_a_frame_is_closed_with_min_rate_while_a_quiet_one_stays()
    {
        var server = await StartServerAsync(Rate);
        await using var quiet = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await quiet.SendAsync("hello\n", Within());
        Assert.Equal("hello", await quiet.ReadLineAsync(Within()));

        await using var trickler = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await trickler.SendAsync("one whole line\n", Within());
        Assert.Equal("one whole line", await trickler.ReadLineAsync(Within()));
        var closed = trickler.ReadToEndAsync(Within());
        var sent = 0;
        try
        {
            // 1 byte every 100 ms: 10 bytes/s, far below 200. Bounded: 20 s at most.
            while (!closed.IsCompleted && sent < 200)
            {
                await trickler.SendAsync("x", Within());
                sent++;
                await Task.WhenAny(closed, Task.Delay(100)); // pacing the trickle, not synchronising
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // the server closed while we were still trickling
        }
        var (rest, _) = await closed;
        Assert.Empty(rest);
        Assert.True(sent < 200, "the trickling client was never cut");
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).ClosedWith(CloseReason.MinRate)));

        // The quiet client sent nothing for longer than the grace period and is still served.
        await quiet.SendAsync("still here\n", Within());
        Assert.Equal("still here", await quiet.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_large_frame_sent_in_pieces_at_a_good_rate_is_served()
    {
        var server = await StartServerAsync(Rate);
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        var line = new string('y', 30_000);
        // 30 KB over about 3 s (10 KB/s, well above 200 B/s), longer than the grace period.
        for (var i = 0; i < 30; i++)
        {
            await client.SendAsync(line.Substring(i * 1000, 1000), Within());
            await Task.Delay(100); // pacing: the frame stays in progress across several checks
        }
        await client.SendAsync("\n", Within());
        Assert.Equal(line, await client.ReadLineAsync(Within()));
        Assert.Equal(0, (await server.GetStatsAsync()).ClosedWith(CloseReason.MinRate));
    }
}
