using System.Net;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Operations;

/// <summary>What an operator does to a running server: list its connections, kick some, suspend and resume accepting, read its traffic.</summary>
public sealed class ServerControlTests(ITestOutputHelper output) : ServerSpec(output)
{
    [Fact]
    public async Task Connections_are_listed_with_their_address_traffic_and_state()
    {
        var server = await StartServerAsync("akka-tcp.servers.main { max-connections = 1, over-limit = queue, queue-timeout = 60s }");
        await using var served = await EchoingClientAsync(server, "hello", IPAddress.Parse("127.0.0.2"));
        await using var waiting = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within(), IPAddress.Parse("127.0.0.3"));
        await waiting.SendAsync("queued\n", Within());

        IReadOnlyList<ConnectionSnapshot> list = [];
        await AwaitAssertAsync(async () =>
        {
            list = await server.GetConnectionsAsync();
            Assert.Equal(2, list.Count);
            Assert.Equal(7, list[1].BytesReceived);
        });
        Assert.Equal("serving", list[0].State);
        Assert.Equal(IPAddress.Parse("127.0.0.2"), ((IPEndPoint)list[0].RemoteEndPoint).Address);
        Assert.Equal(6, list[0].BytesReceived);
        Assert.Equal(6, list[0].BytesSent);
        Assert.Equal("waiting", list[1].State);
        Assert.Equal(6 + 7, (await server.GetStatsAsync()).BytesReceived); // a waiting client's bytes count as received
        Assert.True(list[0].Id < list[1].Id);
        Assert.True(list[0].Age > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_kick_by_id_closes_that_connection_gracefully_and_a_kick_by_address_every_one_from_it()
    {
        var server = await StartServerAsync();
        var first = await EchoingClientAsync(server, "one", IPAddress.Parse("127.0.0.2"));
        var second = await EchoingClientAsync(server, "two", IPAddress.Parse("127.0.0.2"));
        await using var bystander = await EchoingClientAsync(server, "three", IPAddress.Parse("127.0.0.3"));
        var ids = (await server.GetConnectionsAsync()).Select(c => c.Id).ToList();

        Assert.True(await server.KickAsync(ids[0]));
        Assert.True((await first.ReadToEndAsync(Within())).CleanClose);
        Assert.False(await server.KickAsync(123_456));

        await AwaitAssertAsync(async () => Assert.Equal(2, (await server.GetConnectionsAsync()).Count));
        Assert.Equal(1, await server.KickAsync(IPAddress.Parse("127.0.0.2")));
        Assert.True((await second.ReadToEndAsync(Within())).CleanClose);

        await bystander.SendAsync("still here\n", Within());
        Assert.Equal("still here", await bystander.ReadLineAsync(Within()));
        await AwaitAssertAsync(async () => Assert.Equal(2, (await server.GetStatsAsync()).ClosedWith(CloseReason.Kicked)));
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_suspended_server_turns_new_clients_away_and_keeps_serving_its_connections_until_resumed()
    {
        var server = await StartServerAsync();
        await using var served = await EchoingClientAsync(server, "before", IPAddress.Parse("127.0.0.1"));

        await server.SuspendAcceptingAsync();
        Assert.True((await server.GetStatsAsync()).Suspended);
        await using (var turnedAway = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within()))
            Assert.Equal("ERR server busy", await turnedAway.ReadLineAsync(Within()));
        await served.SendAsync("during\n", Within());
        Assert.Equal("during", await served.ReadLineAsync(Within()));

        await server.ResumeAcceptingAsync();
        Assert.False((await server.GetStatsAsync()).Suspended);
        await using var after = await EchoingClientAsync(server, "after", IPAddress.Parse("127.0.0.1"));
    }

    [Fact]
    public async Task Stats_count_the_traffic_of_connections_that_have_ended_too()
    {
        var server = await StartServerAsync();
        await using (var client = await EchoingClientAsync(server, "abc", IPAddress.Parse("127.0.0.1")))
        {
            await client.SendAsync("de\nf\n", Within());
            Assert.Equal("de", await client.ReadLineAsync(Within()));
            Assert.Equal("f", await client.ReadLineAsync(Within()));
        }
        await AwaitAssertAsync(async () =>
        {
            var stats = await server.GetStatsAsync();
            Assert.Equal(1, stats.Closed);
            Assert.Equal(9, stats.BytesReceived);
            Assert.Equal(9, stats.BytesSent);
            Assert.Equal(3, stats.FramesReceived);
            Assert.Equal(3, stats.FramesSent);
        });
    }
}
