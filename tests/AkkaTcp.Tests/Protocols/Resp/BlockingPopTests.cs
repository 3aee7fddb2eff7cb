using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>
/// BLPOP, BRPOP, BLMOVE and BRPOPLPUSH over real sockets: waiting clients served first come first
/// served, timeouts, clients that leave, a drain, keys in several partitions, and held pipelines.
/// Blocked clients are counted by INFO's blocked_clients, which the tests wait on.
/// </summary>
public sealed class BlockingPopTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string Resp = "akka-tcp.servers.main.protocol = resp";

    private async Task<RawRespClient> ClientAsync(AkkaTcpServer server) => await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());

    private async Task AwaitBlockedAsync(RawRespClient observer, int count) =>
        await AwaitAssertAsync(async () =>
            Assert.Contains($"blocked_clients:{count}\r\n", await observer.AskAsync(Within(), "INFO", "clients")), Dilated(TimeSpan.FromSeconds(10)));

    private static string Pair(string key, string value) => $"*2\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n";

    [Fact]
    public async Task Waiting_clients_are_served_first_come_first_served_when_values_arrive()
    {
        var server = await StartServerAsync(Resp);
        await using var observer = await ClientAsync(server);
        var waiters = new List<RawRespClient>();
        for (var i = 0; i < 3; i++)
        {
            var waiter = await ClientAsync(server);
            waiters.Add(waiter);
            await waiter.SendAsync(Within(), "BLPOP", "queue", "0");
            await AwaitBlockedAsync(observer, i + 1); // in this order
        }

        Assert.Equal(":3\r\n", await observer.AskAsync(Within(), "RPUSH", "queue", "a", "b", "c"));
        Assert.Equal(Pair("queue", "a"), await waiters[0].ReadReplyAsync(Within()));
        Assert.Equal(Pair("queue", "b"), await waiters[1].ReadReplyAsync(Within()));
        Assert.Equal(Pair("queue", "c"), await waiters[2].ReadReplyAsync(Within()));
        Assert.Equal(":0\r\n", await observer.AskAsync(Within(), "EXISTS", "queue"));
        await AwaitBlockedAsync(observer, 0);
        foreach (var waiter in waiters)
            await waiter.DisposeAsync();
    }

    [Fact]
    public async Task A_wait_times_out_with_a_null_array_and_the_connection_carries_on()
    {
        var server = await StartServerAsync(Resp);
        await using var client = await ClientAsync(server);
        Assert.Equal("*-1\r\n", await client.AskAsync(Within(), "BLPOP", "nothing", "0.05"));
        Assert.Equal("*-1\r\n", await client.AskAsync(Within(), "BLMOVE", "nothing", "dst", "LEFT", "RIGHT", "0.05"));
        Assert.Equal("+PONG\r\n", await client.AskAsync(Within(), "PING"));
        Assert.Equal("-ERR timeout is negative\r\n", await client.AskAsync(Within(), "BLPOP", "q", "-1"));
        Assert.Equal("-ERR timeout is not a float or out of range\r\n", await client.AskAsync(Within(), "BRPOP", "q", "soon"));
        Assert.Contains("blocked_clients:0\r\n", await client.AskAsync(Within(), "INFO", "clients"));
    }

    [Fact]
    public async Task A_client_that_leaves_while_waiting_is_forgotten_and_loses_no_value()
    {
        var server = await StartServerAsync(Resp);
        await using var observer = await ClientAsync(server);
        var leaving = await ClientAsync(server);
        await leaving.SendAsync(Within(), "BLPOP", "queue", "0");
        await AwaitBlockedAsync(observer, 1);
        await leaving.DisposeAsync();
        await AwaitBlockedAsync(observer, 0);

        Assert.Equal(":1\r\n", await observer.AskAsync(Within(), "RPUSH", "queue", "kept"));
        Assert.Equal("*1\r\n$4\r\nkept\r\n", await observer.AskAsync(Within(), "LRANGE", "queue", "0", "-1"));
    }

    [Fact]
    public async Task A_drain_answers_a_blocked_client_at_once_and_closes_it_cleanly()
    {
        var server = await StartServerAsync(Resp + "\nakka-tcp.servers.main.drain-timeout = 60s");
        await using var observer = await ClientAsync(server);
        await using var blocked = await ClientAsync(server);
        await blocked.SendAsync(Within(), "BLPOP", "queue", "0");
        await blocked.SendAsync(Within(), "PING"); // held behind the BLPOP, and owed a reply
        await AwaitBlockedAsync(observer, 1);

        await server.StopAcceptingAsync();
        var drain = server.DrainAsync();
        Assert.Equal("*-1\r\n", await blocked.ReadReplyAsync(Within()));
        Assert.Equal("+PONG\r\n", await blocked.ReadReplyAsync(Within()));
        Assert.True(await blocked.IsClosedAsync(Within()));
        var result = await drain.WaitAsync(Within()); // long before the 60 s drain-timeout
        Assert.Equal(0, result.StillOpen);
    }

    [Fact]
    public async Task Keys_in_several_partitions_the_first_listed_non_empty_one_wins_and_a_later_push_anywhere_serves()
    {
        var server = await StartServerAsync(Resp + "\nakka-tcp.servers.main.resp.partitions = 8");
        var (first, second) = KeysInTwoPartitions(8);
        await using var client = await ClientAsync(server);
        await using var pusher = await ClientAsync(server);
        Assert.Equal(":1\r\n", await pusher.AskAsync(Within(), "RPUSH", first, "one"));
        Assert.Equal(":1\r\n", await pusher.AskAsync(Within(), "RPUSH", second, "two"));

        Assert.Equal(Pair(second, "two"), await client.AskAsync(Within(), "BLPOP", "missing", second, first, "0"));
        Assert.Equal("*1\r\n$3\r\none\r\n", await pusher.AskAsync(Within(), "LRANGE", first, "0", "-1")); // not popped, or given back

        Assert.Equal(Pair(first, "one"), await client.AskAsync(Within(), "BLPOP", second, first, "0"));
        await client.SendAsync(Within(), "BRPOP", first, second, "0");
        await AwaitBlockedAsync(pusher, 1);
        Assert.Equal(":1\r\n", await pusher.AskAsync(Within(), "LPUSH", second, "late"));
        Assert.Equal(Pair(second, "late"), await client.ReadReplyAsync(Within()));
    }

    [Fact]
    public async Task Commands_pipelined_after_a_blocking_pop_run_after_it_is_served()
    {
        var server = await StartServerAsync(Resp);
        await using var client = await ClientAsync(server);
        await using var pusher = await ClientAsync(server);
        await client.SendAsync(Within(), "BLPOP", "queue", "0");
        await client.SendAsync(Within(), "LLEN", "queue");
        await client.SendAsync(Within(), "ECHO", "after");
        await AwaitBlockedAsync(pusher, 1);

        Assert.Equal(":2\r\n", await pusher.AskAsync(Within(), "RPUSH", "queue", "x", "y"));
        Assert.Equal(Pair("queue", "x"), await client.ReadReplyAsync(Within()));
        Assert.Equal(":1\r\n", await client.ReadReplyAsync(Within())); // after the pop, not before it
        Assert.Equal("$5\r\nafter\r\n", await client.ReadReplyAsync(Within()));
    }

    [Fact]
    public async Task Blmove_and_brpoplpush_wait_then_move_the_value()
    {
        var server = await StartServerAsync(Resp);
        await using var client = await ClientAsync(server);
        await using var pusher = await ClientAsync(server);
        await client.SendAsync(Within(), "BLMOVE", "source", "target", "RIGHT", "LEFT", "0");
        await AwaitBlockedAsync(pusher, 1);
        Assert.Equal(":2\r\n", await pusher.AskAsync(Within(), "RPUSH", "source", "a", "b"));
        Assert.Equal("$1\r\nb\r\n", await client.ReadReplyAsync(Within()));
        Assert.Equal("*1\r\n$1\r\nb\r\n", await pusher.AskAsync(Within(), "LRANGE", "target", "0", "-1"));

        Assert.Equal("$1\r\na\r\n", await client.AskAsync(Within(), "BRPOPLPUSH", "source", "target", "0"));
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\nb\r\n", await pusher.AskAsync(Within(), "LRANGE", "target", "0", "-1"));

        Assert.Equal("+OK\r\n", await pusher.AskAsync(Within(), "SET", "text", "v"));
        Assert.Equal(":1\r\n", await pusher.AskAsync(Within(), "RPUSH", "source", "c"));
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            await client.AskAsync(Within(), "BLMOVE", "source", "text", "LEFT", "LEFT", "0"));
        Assert.Equal("*1\r\n$1\r\nc\r\n", await pusher.AskAsync(Within(), "LRANGE", "source", "0", "-1")); // the value stayed
    }

    [Fact]
    public async Task Many_waiters_with_timeouts_and_many_pushes_deliver_every_value_exactly_once()
    {
        var server = await StartServerAsync(Resp);
        const int waiters = 20, rounds = 5, pushes = 150;
        var (first, second) = KeysInTwoPartitions(8);
        var received = new System.Collections.Concurrent.ConcurrentBag<string>();
        var consumers = Enumerable.Range(0, waiters).Select(async w =>
        {
            await using var client = await ClientAsync(server);
            for (var round = 0; round < rounds; round++)
            {
                // Short timeouts race the pushes: a value popped for a client whose wait just ended must go back.
                var reply = await client.AskAsync(Within(), w % 2 == 0 ? "BLPOP" : "BRPOP", first, second, (0.01 * (1 + w % 4)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (reply != "*-1\r\n")
                    received.Add(reply.Split("\r\n")[^2]);
            }
        }).ToList();
        await using (var pusher = await ClientAsync(server))
        {
            for (var i = 0; i < pushes; i++)
                await pusher.AskAsync(Within(), "RPUSH", i % 2 == 0 ? first : second, $"v{i}");
        }
        await Task.WhenAll(consumers);

        await using var checker = await ClientAsync(server);
        var left = new List<string>();
        foreach (var key in new[] { first, second })
            left.AddRange((await checker.AskAsync(Within(), "LRANGE", key, "0", "-1")).Split("\r\n").Where(line => line.StartsWith('v')));
        var all = received.Concat(left).Order().ToList();
        Assert.Equal(Enumerable.Range(0, pushes).Select(i => $"v{i}").Order(), all); // none lost, none twice
        Output?.WriteLine($"{received.Count} popped by waiters, {left.Count} left in the lists");
    }

    /// <summary>Two keys the server puts in different partitions.</summary>
    internal static (string, string) KeysInTwoPartitions(int partitions)
    {
        static int Partition(string key, int partitions) => AkkaTcp.Keyspace.ByteKeyComparer.Partition(System.Text.Encoding.ASCII.GetBytes(key), partitions);
        var first = "list-a";
        var second = Enumerable.Range(0, 100).Select(i => $"list-b{i}").First(key => Partition(key, partitions) != Partition(first, partitions));
        return (first, second);
    }
}
