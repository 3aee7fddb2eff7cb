using System.Net;
using AkkaTcp.Client;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Client;

/// <summary>
/// A pool over several endpoints (the members of a cluster) against real servers over loopback:
/// connections spread over the endpoints that answer, one that refuses is skipped and retried after
/// its backoff, and when a server goes away its requests in flight fail while new ones go to the others.
/// </summary>
public sealed class PoolFailoverTests(ITestOutputHelper output) : ServerSpec(output)
{
    private static ClientSettings Settings(int maxConnections) =>
        ClientSettings.Default with
        {
            MaxInFlight = 4,
            Pool = ClientSettings.Default.Pool with
            {
                MaxConnections = maxConnections,
                AcquireTimeout = TimeSpan.FromSeconds(60),
                ReconnectMinBackoff = TimeSpan.FromMilliseconds(200),
                ReconnectMaxBackoff = TimeSpan.FromSeconds(1),
            },
        };

    private async Task<AkkaTcpServer> StartNamedAsync(string name, int port = 0) =>
        await AkkaTcpServer.StartAsync(Sys, LoadSettings($$"""akka-tcp.servers.{{name}} { protocol = json-rpc, port = {{port}} }""").Servers.Single(s => s.Name == name));

    private static async Task<int> EchoAsync(ConnectionPool<JsonRpcCall, JsonRpcReply> pool, int i) =>
        (await pool.SendAsync(new JsonRpcCall("echo", new[] { i }))).Result!.Value[0].GetInt32();

    [Fact]
    public async Task Connections_spread_over_the_endpoints_that_answer_and_one_that_refuses_is_skipped()
    {
        var a = await StartNamedAsync("a");
        var b = await StartNamedAsync("b");
        var refusing = new IPEndPoint(IPAddress.Loopback, ReusablePort.Next()); // nothing listens there
        await using var pool = new ConnectionPool<JsonRpcCall, JsonRpcReply>([refusing, a.LocalEndPoint, b.LocalEndPoint], new JsonRpcClientProtocol(), Settings(maxConnections: 6), Sys);
        Assert.Equal([refusing, a.LocalEndPoint, b.LocalEndPoint], pool.EndPoints);

        var results = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => EchoAsync(pool, i))).WaitAsync(Within(60));
        Assert.Equal(Enumerable.Range(0, 500), results);
        Assert.Equal(6, pool.Connections);
        var (onA, onB) = ((await a.GetStatsAsync()).Active, (await b.GetStatsAsync()).Active);
        Output.WriteLine($"connections: {onA} on a, {onB} on b");
        Assert.Equal(6, onA + onB);
        Assert.InRange(onA, 2, 4); // spread, not all on the first endpoint that answered
    }

    [Fact]
    public async Task When_a_server_goes_its_calls_in_flight_fail_and_new_ones_go_to_the_others_until_it_is_back()
    {
        var a = await StartNamedAsync("a");
        var b = await StartNamedAsync("b");
        var aPort = a.LocalEndPoint.Port;
        await using var pool = new ConnectionPool<JsonRpcCall, JsonRpcReply>([a.LocalEndPoint, b.LocalEndPoint], new JsonRpcClientProtocol(), Settings(maxConnections: 2), Sys);
        // Fill both connections with long calls, then take a away.
        var sleeping = Enumerable.Range(0, 8).Select(_ => pool.SendAsync(new JsonRpcCall("sleep", new[] { 5000 }))).ToList();
        // All 8 on the wire, 4 per connection, before a goes: then exactly a's 4 fail.
        await AwaitAssertAsync(async () =>
        {
            Assert.Equal(8, pool.PendingReplies);
            Assert.Equal(1, (await a.GetStatsAsync()).Active);
        }, Dilated(TimeSpan.FromSeconds(10)));
        Sys.Stop(a.Supervisor);
        await a.Stopped.WaitAsync(Within());

        var outcomes = await Task.WhenAll(sleeping.Select(async call =>
        {
            try
            {
                await call;
                return "answered";
            }
            catch (ConnectionClosedException)
            {
                return "closed";
            }
        })).WaitAsync(Within(30));
        Assert.Equal(4, outcomes.Count(o => o == "closed")); // the 4 in flight on a's connection
        Assert.Equal(4, outcomes.Count(o => o == "answered"));

        // New calls all succeed: on b, and on a dialled-again connection once a is back.
        for (var i = 0; i < 50; i++)
            Assert.Equal(i, await EchoAsync(pool, i).WaitAsync(Within()));
        Assert.True((await b.GetStatsAsync()).Active >= 1);
        var back = await StartNamedAsync("a", aPort);
        await AwaitAssertAsync(async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => EchoAsync(pool, i)));
            Assert.Equal(1, (await back.GetStatsAsync()).Active);
        }, Dilated(TimeSpan.FromSeconds(15)), Dilated(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task With_every_endpoint_down_a_call_fails_with_the_connect_error_and_nothing_is_left_pending()
    {
        var settings = Settings(maxConnections: 2) with { ConnectTimeout = TimeSpan.FromSeconds(2) };
        await using var pool = new ConnectionPool<JsonRpcCall, JsonRpcReply>(
            [new IPEndPoint(IPAddress.Loopback, ReusablePort.Next()), new IPEndPoint(IPAddress.Loopback, ReusablePort.Next())],
            new JsonRpcClientProtocol(), settings, Sys);
        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() => pool.SendAsync(new JsonRpcCall("echo", new[] { 1 })).WaitAsync(Within()));
        Output.WriteLine(error.Message);
        Assert.Equal(0, pool.Connections);
        Assert.Equal(0, pool.WaitingCallers);
    }
}
