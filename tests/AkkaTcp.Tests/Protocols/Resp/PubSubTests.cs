using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using AkkaTcp.Tests.Support;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Resp;

/// <summary>
/// resp pub/sub on one node over real sockets: the replies byte for byte as redis-server 7.0 sends
/// them, delivery to channel and pattern subscribers, redis-cli and StackExchange.Redis's
/// ISubscriber, subscriptions released when a subscriber leaves, and slow subscribers cut by the
/// output limits without touching anyone else.
/// </summary>
public sealed class PubSubTests(ITestOutputHelper output) : ServerSpec(output)
{
    private const string Resp = "akka-tcp.servers.main.protocol = resp";

    private async Task<RawRespClient> ClientAsync(AkkaTcpServer server) => await RawRespClient.ConnectAsync(server.LocalEndPoint, Within());

    private static string Bulk(string? text) => text is null ? "$-1\r\n" : $"${Encoding.UTF8.GetByteCount(text)}\r\n{text}\r\n";

    private static string Push(string kind, string? name, long count) => $"*3\r\n{Bulk(kind)}{Bulk(name)}:{count}\r\n";

    private static string Message(string channel, string message) => $"*3\r\n{Bulk("message")}{Bulk(channel)}{Bulk(message)}";

    private static string PatternMessage(string pattern, string channel, string message) =>
        $"*4\r\n{Bulk("pmessage")}{Bulk(pattern)}{Bulk(channel)}{Bulk(message)}";

    private async Task AwaitInfoAsync(RawRespClient observer, string line) =>
        await AwaitAssertAsync(async () => Assert.Contains(line + "\r\n", await observer.AskAsync(Within(), "INFO", "stats")), Dilated(TimeSpan.FromSeconds(10)));

    [Fact]
    public async Task Subscribed_mode_answers_as_redis_does()
    {
        var server = await StartServerAsync(Resp);
        await using var client = await ClientAsync(server);
        await client.SendAsync(Within(), "SUBSCRIBE", "a", "b");
        Assert.Equal(Push("subscribe", "a", 1), await client.ReadReplyAsync(Within()));
        Assert.Equal(Push("subscribe", "b", 2), await client.ReadReplyAsync(Within()));
        Assert.Equal("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
            await client.AskAsync(Within(), "GET", "x"));
        Assert.Equal("-ERR Can't execute 'pubsub|numpat': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
            await client.AskAsync(Within(), "PUBSUB", "NUMPAT"));
        Assert.Equal($"*2\r\n{Bulk("pong")}{Bulk("")}", await client.AskAsync(Within(), "PING"));
        Assert.Equal($"*2\r\n{Bulk("pong")}{Bulk("hi")}", await client.AskAsync(Within(), "PING", "hi"));
        Assert.Equal(Push("psubscribe", "h*llo", 3), await client.AskAsync(Within(), "PSUBSCRIBE", "h*llo"));
        Assert.Equal(Push("punsubscribe", "h*llo", 2), await client.AskAsync(Within(), "PUNSUBSCRIBE"));
        Assert.Equal(Push("unsubscribe", "x", 2), await client.AskAsync(Within(), "UNSUBSCRIBE", "x"));
        await client.SendAsync(Within(), "UNSUBSCRIBE");
        Assert.Equal(Push("unsubscribe", "a", 1), await client.ReadReplyAsync(Within()));
        Assert.Equal(Push("unsubscribe", "b", 0), await client.ReadReplyAsync(Within()));
        // Out of subscribed mode: every command again, and UNSUBSCRIBE with nothing to leave.
        Assert.Equal(Push("unsubscribe", null, 0), await client.AskAsync(Within(), "UNSUBSCRIBE"));
        Assert.Equal(Push("punsubscribe", null, 0), await client.AskAsync(Within(), "PUNSUBSCRIBE"));
        Assert.Equal("+PONG\r\n", await client.AskAsync(Within(), "PING"));
        Assert.Equal("$-1\r\n", await client.AskAsync(Within(), "GET", "x"));
        // RESET leaves every subscription without a reply for each.
        Assert.Equal(Push("subscribe", "c", 1), await client.AskAsync(Within(), "SUBSCRIBE", "c"));
        Assert.Equal("+RESET\r\n", await client.AskAsync(Within(), "RESET"));
        Assert.Equal("*0\r\n", await client.AskAsync(Within(), "PUBSUB", "CHANNELS"));
        Assert.Equal("-ERR wrong number of arguments for 'subscribe' command\r\n", await client.AskAsync(Within(), "SUBSCRIBE"));
        Assert.Equal("-ERR wrong number of arguments for 'publish' command\r\n", await client.AskAsync(Within(), "PUBLISH", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n", await client.AskAsync(Within(), "PUBSUB", "NUMPAT", "x"));
        Assert.Equal("-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n", await client.AskAsync(Within(), "PUBSUB", "CHANNELS", "a", "b"));
        Assert.Equal("-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n", await client.AskAsync(Within(), "PUBSUB", "FOO"));
        Assert.StartsWith("*10\r\n+PUBSUB <subcommand>", await client.AskAsync(Within(), "PUBSUB", "HELP"));
    }

    [Fact]
    public async Task Publish_reaches_channel_and_pattern_subscribers_and_counts_them()
    {
        var server = await StartServerAsync(Resp);
        await using var channel = await ClientAsync(server);
        await using var pattern = await ClientAsync(server);
        await using var both = await ClientAsync(server);
        await using var publisher = await ClientAsync(server);
        Assert.Equal(Push("subscribe", "news.tech", 1), await channel.AskAsync(Within(), "SUBSCRIBE", "news.tech"));
        Assert.Equal(Push("psubscribe", "news.*", 1), await pattern.AskAsync(Within(), "PSUBSCRIBE", "news.*"));
        Assert.Equal(Push("subscribe", "news.tech", 1), await both.AskAsync(Within(), "SUBSCRIBE", "news.tech"));
        Assert.Equal(Push("psubscribe", "n*", 2), await both.AskAsync(Within(), "PSUBSCRIBE", "n*"));

        Assert.Equal(":4\r\n", await publisher.AskAsync(Within(), "PUBLISH", "news.tech", "hello"));
        Assert.Equal(":2\r\n", await publisher.AskAsync(Within(), "PUBLISH", "news.art", "paint"));
        Assert.Equal(":0\r\n", await publisher.AskAsync(Within(), "PUBLISH", "weather", "rain"));

        Assert.Equal(Message("news.tech", "hello"), await channel.ReadReplyAsync(Within()));
        Assert.Equal(PatternMessage("news.*", "news.tech", "hello"), await pattern.ReadReplyAsync(Within()));
        Assert.Equal(PatternMessage("news.*", "news.art", "paint"), await pattern.ReadReplyAsync(Within()));
        var received = new[] { await both.ReadReplyAsync(Within()), await both.ReadReplyAsync(Within()), await both.ReadReplyAsync(Within()) };
        Assert.Equal([Message("news.tech", "hello"), PatternMessage("n*", "news.art", "paint"), PatternMessage("n*", "news.tech", "hello")], received.Order());

        Assert.Equal($"*1\r\n{Bulk("news.tech")}", await publisher.AskAsync(Within(), "PUBSUB", "CHANNELS"));
        Assert.Equal("*0\r\n", await publisher.AskAsync(Within(), "PUBSUB", "CHANNELS", "x*"));
        Assert.Equal($"*4\r\n{Bulk("news.tech")}:2\r\n{Bulk("other")}:0\r\n", await publisher.AskAsync(Within(), "PUBSUB", "NUMSUB", "news.tech", "other"));
        Assert.Equal(":2\r\n", await publisher.AskAsync(Within(), "PUBSUB", "NUMPAT"));
        var stats = await publisher.AskAsync(Within(), "INFO", "stats");
        Assert.Contains("pubsub_channels:1\r\n", stats);
        Assert.Contains("pubsub_patterns:2\r\n", stats);
        var clients = await publisher.AskAsync(Within(), "CLIENT", "LIST");
        Assert.Contains("flags=P db=0 sub=1 psub=1 ", clients);
    }

    [Fact]
    public async Task Messages_arrive_in_publish_order_and_after_the_writes_pipelined_before_them()
    {
        var server = await StartServerAsync(Resp);
        await using var subscriber = await ClientAsync(server);
        await using var publisher = await ClientAsync(server);
        await using var reader = await ClientAsync(server);
        Assert.Equal(Push("subscribe", "c", 1), await subscriber.AskAsync(Within(), "SUBSCRIBE", "c"));
        const int count = 2000;
        var pipeline = new List<byte>();
        for (var i = 0; i < count; i++)
        {
            pipeline.AddRange(RawRespClient.Encode(["SET", $"k{i % 50}", i.ToString()]));
            pipeline.AddRange(RawRespClient.Encode(["PUBLISH", "c", $"{i % 50}:{i}"]));
        }
        var sending = publisher.SendRawAsync(pipeline.ToArray(), Within());
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(Message("c", $"{i % 50}:{i}"), await subscriber.ReadReplyAsync(Within()));
            if (i % 100 == 0) // the key set before this message holds this value or a later one
                Assert.True(int.Parse((await reader.AskAsync(Within(), "GET", $"k{i % 50}")).Split("\r\n")[1]) >= i);
        }
        await sending;
        for (var i = 0; i < count; i++)
        {
            Assert.Equal("+OK\r\n", await publisher.ReadReplyAsync(Within()));
            Assert.Equal(":1\r\n", await publisher.ReadReplyAsync(Within()));
        }
    }

    [Fact]
    public async Task A_subscriber_that_leaves_or_resets_loses_its_subscriptions()
    {
        var server = await StartServerAsync(Resp);
        await using var publisher = await ClientAsync(server);
        var subscriber = await ClientAsync(server);
        Assert.Equal(Push("subscribe", "c", 1), await subscriber.AskAsync(Within(), "SUBSCRIBE", "c"));
        Assert.Equal(Push("psubscribe", "p*", 2), await subscriber.AskAsync(Within(), "PSUBSCRIBE", "p*"));
        await subscriber.DisposeAsync();
        await AwaitAssertAsync(async () =>
        {
            Assert.Equal($"*2\r\n{Bulk("c")}:0\r\n", await publisher.AskAsync(Within(), "PUBSUB", "NUMSUB", "c"));
            Assert.Equal(":0\r\n", await publisher.AskAsync(Within(), "PUBSUB", "NUMPAT"));
        }, Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(":0\r\n", await publisher.AskAsync(Within(), "PUBLISH", "c", "anyone?"));
    }

    [ToolFact(ExternalTools.RedisCli)]
    public async Task Redis_cli_subscribe_receives_what_is_published()
    {
        var server = await StartServerAsync(Resp);
        var info = new ProcessStartInfo("redis-cli", ["-p", server.LocalEndPoint.Port.ToString(), "subscribe", "alerts"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var cli = Process.Start(info) ?? throw new InvalidOperationException("cannot start redis-cli");
        try
        {
            await using var publisher = await ClientAsync(server);
            await AwaitAssertAsync(async () =>
                Assert.Equal($"*2\r\n{Bulk("alerts")}:1\r\n", await publisher.AskAsync(Within(), "PUBSUB", "NUMSUB", "alerts")), Dilated(TimeSpan.FromSeconds(10)));
            Assert.Equal(":1\r\n", await publisher.AskAsync(Within(), "PUBLISH", "alerts", "disk full"));
            var lines = new List<string>();
            while (lines.Count < 6)
                lines.Add(await cli.StandardOutput.ReadLineAsync(Within()) ?? throw new EndOfStreamException("redis-cli ended"));
            Assert.Equal(["subscribe", "alerts", "1", "message", "alerts", "disk full"], lines);
        }
        finally
        {
            cli.Kill();
        }
    }

    [Fact]
    public async Task StackExchange_redis_subscriber_works_unchanged()
    {
        var server = await StartServerAsync(Resp);
        await using var redis = await StackExchangeRedisConnect.ConnectAsync(server.LocalEndPoint, Dilated(TimeSpan.FromSeconds(10)), Output);
        var subscriber = redis.GetSubscriber();
        var received = Channel.CreateUnbounded<string>();
        await subscriber.SubscribeAsync(RedisChannel.Literal("orders"), (channel, message) => received.Writer.TryWrite($"{channel}={message}"));
        await subscriber.SubscribeAsync(RedisChannel.Pattern("stock.*"), (channel, message) => received.Writer.TryWrite($"{channel}~{message}"));
        var queue = await subscriber.SubscribeAsync(RedisChannel.Literal("queue"));

        Assert.Equal(1, await subscriber.PublishAsync(RedisChannel.Literal("orders"), "o-1"));
        Assert.Equal(1, await subscriber.PublishAsync(RedisChannel.Literal("stock.apples"), "12"));
        Assert.Equal(1, await redis.GetDatabase().PublishAsync(RedisChannel.Literal("queue"), "q-1"));
        var got = new[] { await received.Reader.ReadAsync(Within()), await received.Reader.ReadAsync(Within()) };
        Assert.Equal(["orders=o-1", "stock.apples~12"], got.Order());
        Assert.Equal("q-1", (string?)(await queue.ReadAsync(Within())).Message);

        await subscriber.UnsubscribeAsync(RedisChannel.Literal("orders"));
        Assert.Equal(0, await subscriber.PublishAsync(RedisChannel.Literal("orders"), "o-2"));
        Assert.Equal(1, await subscriber.PublishAsync(RedisChannel.Literal("stock.pears"), "3"));
        Assert.Equal("stock.pears~3", await received.Reader.ReadAsync(Within()));
        // The multiplexer's interactive connection is unaffected by its subscription connection.
        Assert.True(await redis.GetDatabase().StringSetAsync("k", "v"));
        Assert.Equal("v", (string?)await redis.GetDatabase().StringGetAsync("k"));
    }

    /// <summary>A subscriber that never reads: a small receive buffer, so the server's output for it grows soon.</summary>
    private static async Task<Socket> StalledSubscriberAsync(AkkaTcpServer server, string channel)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(server.LocalEndPoint);
        await socket.SendAsync(RawRespClient.Encode(["SUBSCRIBE", channel]));
        return socket;
    }

    /// <summary>
    /// Under <paramref name="limits"/>, a subscriber that never reads and one that reads: publishes
    /// 64 KiB messages (with <paramref name="pause"/> between them) until only the reader is left,
    /// checking that it got every one; then the cut is counted and the publisher still served.
    /// </summary>
    private async Task StalledSubscriberIsCutAsync(string limits, TimeSpan pause)
    {
        var server = await StartServerAsync(Resp + "\nakka-tcp.servers.main.resp.pubsub { " + limits + " }");
        await using var publisher = await ClientAsync(server);
        await using var reader = await ClientAsync(server);
        Assert.Equal(Push("subscribe", "feed", 1), await reader.AskAsync(Within(), "SUBSCRIBE", "feed"));
        using var stalled = await StalledSubscriberAsync(server, "feed");
        await AwaitAssertAsync(async () =>
            Assert.Equal($"*2\r\n{Bulk("feed")}:2\r\n", await publisher.AskAsync(Within(), "PUBSUB", "NUMSUB", "feed")), Dilated(TimeSpan.FromSeconds(10)));

        var payload = new string('x', 64 * 1024);
        for (var i = 0; ; i++)
        {
            Assert.True(i < 2000, "the stalled subscriber was not cut after 2000 messages of 64 KiB");
            var receivers = long.Parse((await publisher.AskAsync(Within(), "PUBLISH", "feed", payload)).AsSpan(1).TrimEnd("\r\n"));
            Assert.Equal(Message("feed", payload), await reader.ReadReplyAsync(Within()));
            if (receivers == 1)
            {
                Output.WriteLine($"cut after {i} messages of 64 KiB");
                break; // only the reading subscriber is left
            }
            if (pause > TimeSpan.Zero)
                await Task.Delay(pause, Within());
        }
        await AwaitInfoAsync(publisher, "client_output_buffer_limit_disconnections:1");
        Assert.Equal("+PONG\r\n", await publisher.AskAsync(Within(), "PING"));
    }

    [Fact]
    public Task A_subscriber_past_the_hard_limit_is_cut_and_counted_and_others_go_on() =>
        StalledSubscriberIsCutAsync("output-hard-limit = 512k, output-soft-limit = 0", TimeSpan.Zero);

    /// <summary>
    /// Deliveries already on their way to a subscriber when it is cut (a burst of pipelined
    /// PUBLISHes) neither write nor count again: one subscriber cut is one disconnection.
    /// </summary>
    [Fact]
    public async Task A_subscriber_cut_during_a_burst_is_counted_once()
    {
        var server = await StartServerAsync(Resp + "\nakka-tcp.servers.main.resp.pubsub { output-hard-limit = 256k, output-soft-limit = 0 }");
        await using var publisher = await ClientAsync(server);
        using var stalled = await StalledSubscriberAsync(server, "feed");
        await AwaitAssertAsync(async () =>
            Assert.Equal($"*2\r\n{Bulk("feed")}:1\r\n", await publisher.AskAsync(Within(), "PUBSUB", "NUMSUB", "feed")), Dilated(TimeSpan.FromSeconds(10)));

        const int burst = 200;
        var publish = RawRespClient.Encode(["PUBLISH", "feed", new string('x', 64 * 1024)]);
        await publisher.SendRawAsync([.. Enumerable.Range(0, burst).SelectMany(_ => publish)], Within());
        for (var i = 0; i < burst; i++)
            Assert.StartsWith(":", await publisher.ReadReplyAsync(Within()));
        // Once the broker has let the subscriber go its connection is gone: nothing can count after.
        await AwaitAssertAsync(async () =>
            Assert.Equal($"*2\r\n{Bulk("feed")}:0\r\n", await publisher.AskAsync(Within(), "PUBSUB", "NUMSUB", "feed")), Dilated(TimeSpan.FromSeconds(10)));
        Assert.Contains("client_output_buffer_limit_disconnections:1\r\n", await publisher.AskAsync(Within(), "INFO", "stats"));
    }

    /// <summary>
    /// No hard limit: the subscriber outlives any amount for a moment, and is cut once it has
    /// stayed above the soft limit for its time (a message every 50 ms keeps checking).
    /// </summary>
    [Fact]
    public Task A_subscriber_above_the_soft_limit_for_its_time_is_cut() =>
        StalledSubscriberIsCutAsync("output-hard-limit = 0, output-soft-limit = 256k, output-soft-time = 300ms", TimeSpan.FromMilliseconds(50));
}
