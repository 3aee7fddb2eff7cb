using AkkaTcp.Listening;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Faults;

/// <summary>
/// A protocol that throws while a connection starts kills that connection's actor before it can
/// report its end; the listener releases what it held all the same (it watches every connection).
/// </summary>
// Akka.IO's own register-timeout (5 s) would reset a socket nobody registered for; set far above
// the tests' deadlines, so only the listener's reset can end those clients in time.
public sealed class StartupFailureTests(ITestOutputHelper output) : ServerSpec(output, "akka.io.tcp.register-timeout = 300s")
{
    private static string Crashing(string step, string extra = "") => $$"""
        akka-tcp.protocols.startup-crash = "AkkaTcp.Tests.Protocols.StartupCrashingProtocol, AkkaTcp.Tests"
        akka-tcp.servers.main {
          protocol = startup-crash
          startup-crash.step = {{step}}
          max-connections-per-ip = 2
          {{extra}}
        }
        """;

    /// <summary>Connects and reads to the end; returns whether the close was clean (a reset may come before the connect completes).</summary>
    private async Task<bool> ConnectAndReadToEndAsync(AkkaTcpServer server)
    {
        try
        {
            await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
            var (rest, clean) = await client.ReadToEndAsync(Within());
            Assert.Empty(rest);
            return clean;
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("open-session")]
    [InlineData("on-connected")]
    public async Task A_connection_that_fails_while_starting_releases_its_slot_and_its_address_count(string step)
    {
        var server = await StartServerAsync(Crashing(step));
        // More failures than the per-IP limit: a leaked count would refuse the later ones.
        for (var i = 0; i < 5; i++)
            Assert.False(await ConnectAndReadToEndAsync(server), "a connection whose protocol failed is reset");
        await AwaitAssertAsync(async () =>
        {
            var stats = await server.GetStatsAsync();
            Assert.Equal(0, stats.Active);
            Assert.Equal(5, stats.ClosedWith(CloseReason.Error));
            Assert.Equal(0, stats.Refused);
        });
        var drain = await server.DrainAsync();
        Assert.Equal(0, drain.StillOpen);
        Assert.True(drain.Elapsed < TimeSpan.FromSeconds(2), $"the drain waited {drain.Elapsed} for connections that were gone");
    }

    [Fact]
    public async Task A_busy_reply_that_throws_releases_the_refused_connection()
    {
        var server = await StartServerAsync(Crashing("busy-reply", "max-connections = 1\nover-limit = reject"));
        await using var served = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await served.SendAsync("first\n", Within());
        Assert.Equal("first", await served.ReadLineAsync(Within()));
        for (var i = 0; i < 3; i++)
            await ConnectAndReadToEndAsync(server);
        await AwaitAssertAsync(async () =>
        {
            var stats = await server.GetStatsAsync();
            Assert.Equal(1, stats.Active);
            Assert.Equal(3, stats.ClosedWith(CloseReason.Error));
        });
        await served.SendAsync("still served\n", Within());
        Assert.Equal("still served", await served.ReadLineAsync(Within()));
    }
}
