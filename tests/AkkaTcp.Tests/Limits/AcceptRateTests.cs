using System.Diagnostics;
using System.Net;
using System.Text;
using AkkaTcp.Limits;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Limits;

/// <summary>max-accept-rate-per-ip: a connect storm from one address is cut to its rate; other addresses are served as before.</summary>
public sealed class AcceptRateTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task A_connect_storm_from_one_address_is_held_to_its_rate_while_another_address_is_served()
    {
        const int storm = 40, burst = 5;
        var server = await StartServerAsync($$"""
            akka-tcp.servers.main.max-accept-rate-per-ip { per-second = 1, burst = {{burst}} }
            """);
        var stormer = IPAddress.Parse("127.0.0.2");
        var clients = new List<RawLineClient>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < storm; i++)
            clients.Add(await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), stormer));

        // Every client says hi: a served one is echoed, a refused one has had the busy reply (its
        // connection reads and discards until our FIN, so our line cannot turn its close into a reset).
        var served = 0;
        var refused = 0;
        foreach (var client in clients)
        {
            await client.SendAsync("hi\n", Within());
            var answer = await client.ReadLineAsync(Within());
            if (answer == "hi")
                served++;
            else
            {
                Assert.Equal("ERR server busy", answer);
                refused++;
            }
        }
        // The burst, plus one token for every second the storm lasted (a loaded machine stretches
        // it); every client was admitted or refused before its answer came.
        var seconds = clock.Elapsed.TotalSeconds;
        Assert.InRange(served, burst, burst + (int)Math.Ceiling(seconds) + 1);
        Assert.Equal(storm - served, refused);
        Assert.Equal(served, (await server.GetStatsAsync()).Active);
        foreach (var client in clients)
            await client.DisposeAsync();
        await AwaitAssertAsync(async () => Assert.Equal(refused, (await server.GetStatsAsync()).ClosedWith(CloseReason.RateLimited)));

        // Another address has its own bucket: its own burst is served in full, right after the storm.
        var bystander = IPAddress.Parse("127.0.0.3");
        for (var i = 0; i < burst; i++)
        {
            await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), bystander);
            await client.SendAsync("still here\n", Within());
            Assert.Equal("still here", await client.ReadLineAsync(Within()));
        }
    }

    [Fact]
    public void A_bucket_gives_its_burst_at_once_then_its_rate_and_is_forgotten_once_full_again()
    {
        var limiter = new SourceRateLimiter(perSecond: 2, burst: 3, maxSources: 2);
        var a = IPAddress.Parse("10.0.0.1");
        Assert.True(limiter.TryTake(a, 0));
        Assert.True(limiter.TryTake(a, 0));
        Assert.True(limiter.TryTake(a, 0));
        Assert.False(limiter.TryTake(a, 0));
        Assert.False(limiter.TryTake(a, 499));
        Assert.True(limiter.TryTake(a, 500)); // 2 a second: one token after half a second
        Assert.False(limiter.TryTake(a, 500));

        limiter.Sweep(1000); // 0.5 tokens + 1: not full, kept
        Assert.Equal(1, limiter.TrackedSources);
        limiter.Sweep(2000); // full again: forgotten, which is the same as a fresh bucket
        Assert.Equal(0, limiter.TrackedSources);
    }

    [Fact]
    public void The_table_of_addresses_is_bounded_and_a_new_address_waits_for_room()
    {
        var limiter = new SourceRateLimiter(perSecond: 1, burst: 1, maxSources: 2);
        Assert.True(limiter.TryTake(IPAddress.Parse("10.0.0.1"), 0));
        Assert.True(limiter.TryTake(IPAddress.Parse("10.0.0.2"), 0));
        Assert.False(limiter.TryTake(IPAddress.Parse("10.0.0.3"), 0));
        Assert.Equal(2, limiter.TrackedSources);

        limiter.Sweep(1000);
        Assert.True(limiter.TryTake(IPAddress.Parse("10.0.0.3"), 1000));
    }

    [Fact]
    public void Out_of_range_values_are_refused_at_load_with_the_key()
    {
        var error = Assert.Throws<AkkaTcp.Configuration.InvalidConfigException>(() =>
            LoadSettings("akka-tcp.servers.main.max-accept-rate-per-ip { per-second = 5, burst = 0 }"));
        Assert.Contains("akka-tcp.servers.main.max-accept-rate-per-ip.burst", error.Message);
    }
}
